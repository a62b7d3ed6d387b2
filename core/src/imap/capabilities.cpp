#include "imap/capabilities.hpp"

#include "util/ascii.hpp"

#include <algorithm>

namespace interimap::imap {

void Capabilities::assign(const std::vector<Value>& values) {
    names_.clear();
    for (const Value& v : values)
        if (v.kind == Value::Kind::atom || v.kind == Value::Kind::number)
            names_.insert(ascii_upper(v.text));
    known_ = true;
}

void Capabilities::invalidate() {
    names_.clear();
    known_ = false;
}

bool Capabilities::has(std::string_view name) const {
    return names_.count(ascii_upper(name)) > 0;
}

std::vector<std::string> Capabilities::values_of(std::string_view prefix) const {
    std::vector<std::string> out;
    for (const std::string& n : names_)
        if (n.rfind(prefix, 0) == 0)
            out.push_back(n.substr(prefix.size()));
    return out;
}

std::string Capabilities::to_string() const {
    std::string out;
    for (const std::string& n : names_) {
        if (!out.empty())
            out += ' ';
        out += n;
    }
    return out;
}

} // namespace interimap::imap
