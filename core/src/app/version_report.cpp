#include "app/version_report.hpp"

#include "cli/interimap_options.hpp"

#include <interimap/plugin.hpp>
#include <iostream>

namespace interimap::app {

void print_version(std::string_view program, plugin::PluginLoader& plugins) {
    std::cout << cli::interimap_version(program);
    auto found = plugins.discover();
    if (found.empty()) {
        std::cout << "No plugins found in";
        for (const auto& d : plugins.search_path())
            std::cout << ' ' << d.string();
        std::cout << '\n';
        return;
    }
    std::cout << "Plugins (ABI version " << kPluginAbiVersion << "):\n";
    for (const auto& p : found) {
        std::cout << "  " << p.name;
        if (p.problem.empty())
            std::cout << " (" << p.kind << "): " << p.summary;
        else
            std::cout << ": unusable: " << p.problem;
        std::cout << "  [" << p.file.string() << "]\n";
    }
}

} // namespace interimap::app
