#include "imap/response.hpp"

#include "imap/syntax.hpp"

#include <algorithm>
#include <array>

namespace interimap::imap {

bool Value::is_atom(std::string_view upper_name) const {
    return (kind == Kind::atom || kind == Kind::nil || kind == Kind::number) &&
           syntax::iequals(text, upper_name);
}

bool Response::is_status() const {
    static constexpr std::array<std::string_view, 5> statuses{"OK", "NO", "BAD", "BYE", "PREAUTH"};
    return type != Type::continuation &&
           std::find(statuses.begin(), statuses.end(), keyword) != statuses.end();
}

} // namespace interimap::imap
