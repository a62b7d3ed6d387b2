#include "config/ini_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace interimap::config {

namespace {

// The whitespace of the reference's regular expressions (Perl's \s on bytes).
bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_space(s.back()))
        s.remove_suffix(1);
    return s;
}

// Lines end with LF, CR LF, CR CR LF or a lone CR, as files edited on any
// system do.
std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        if (text[i] == '\n' || text[i] == '\r') {
            lines.push_back(text.substr(start, i - start));
            if (text.compare(i, 3, "\r\r\n") == 0)
                i += 3;
            else if (text.compare(i, 2, "\r\n") == 0)
                i += 2;
            else
                ++i;
            start = i;
        } else {
            ++i;
        }
    }
    if (start < text.size())
        lines.push_back(text.substr(start));
    return lines;
}

// " ; comment" ends a line: whitespace, a semicolon, whitespace and some
// text. A semicolon without surrounding blanks belongs to the value.
std::string_view strip_inline_comment(std::string_view line) {
    for (std::size_t i = 0; i + 3 < line.size(); ++i)
        if (is_space(line[i]) && line[i + 1] == ';' && is_space(line[i + 2]))
            return line.substr(0, i);
    return line;
}

bool is_comment_or_blank(std::string_view line) {
    std::string_view t = trim(line);
    return t.empty() || t.front() == '#' || t.front() == ';';
}

std::string location(const std::string& file, int line) {
    return file + ":" + std::to_string(line);
}

} // namespace

const IniSection* IniFile::find(std::string_view name) const {
    for (const IniSection& s : sections)
        if (s.values.name() == name)
            return &s;
    return nullptr;
}

Result<IniFile> parse_ini(std::string_view text, std::string file) {
    IniFile ini;
    ini.file = std::move(file);
    ini.sections.push_back(IniSection{ConfigSection(""), 0});
    std::size_t current = 0;

    int number = 0;
    for (std::string_view raw : split_lines(text)) {
        ++number;
        if (is_comment_or_blank(raw))
            continue;
        std::string_view line = trim(strip_inline_comment(raw));

        if (line.size() >= 2 && line.front() == '[' && line.back() == ']') {
            std::string_view name = trim(line.substr(1, line.size() - 2));
            if (name.empty())
                return Fail(ErrorCode::config,
                            location(ini.file, number) + ": syntax error: empty section name");
            current = ini.sections.size();
            for (std::size_t i = 0; i < ini.sections.size(); ++i)
                if (ini.sections[i].values.name() == name)
                    current = i;
            if (current == ini.sections.size())
                ini.sections.push_back(IniSection{ConfigSection(std::string(name)), number});
            continue;
        }

        std::size_t eq = line.find('=');
        std::string_view key = eq == std::string_view::npos ? "" : trim(line.substr(0, eq));
        if (key.empty())
            return Fail(ErrorCode::config,
                        location(ini.file, number) + ": syntax error: '" + std::string(raw) + "'");
        std::string_view value = trim(line.substr(eq + 1));
        ini.sections[current].values.set(std::string(key), std::string(value),
                                         ConfigOrigin{ini.file, number});
    }
    return ini;
}

Result<IniFile> read_ini_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Fail(ErrorCode::not_found,
                    "Can't open " + path.string() + ": " + std::strerror(errno));
    std::ostringstream contents;
    contents << in.rdbuf();
    if (in.bad())
        return Fail(ErrorCode::io, "Can't read " + path.string() + ": " + std::strerror(errno));
    return parse_ini(contents.str(), path.string());
}

} // namespace interimap::config
