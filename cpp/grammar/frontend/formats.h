// The string formats a JSON Schema `format` can name and the front end enforces, each as a regular
// expression over the decoded string (full match). Unknown format names are annotations.
#pragma once
#include <string_view>

#include "regex.h"

namespace logitkit::grammar {

// The pattern (ECMAScript syntax, anchored as a whole) for a supported format, or nullptr:
//   date       RFC 3339 full-date, days checked against the month, 29 February in leap years
//   time       RFC 3339 full-time: hh:mm:ss[.frac] then Z or an offset; seconds 00-59
//   date-time  date, T (or t), time
//   uuid       RFC 4122 text: 8-4-4-4-12 hex digits
//   email      dot-atom local part @ a domain of two or more DNS labels (ASCII)
//   hostname   RFC 1123 labels of 1-63 letters, digits, '-', separated by dots (the 253-character
//              total is not checked)
//   ipv4       dotted quad, 0-255, no leading zeros
//   ipv6       RFC 4291 text forms, with :: and an embedded IPv4 tail
//   uri        RFC 3986 URI: scheme ":" hier-part, optional ?query and #fragment
//   uri-template  RFC 6570 levels 1-4: literals and {expressions}; variable names without dots
const char* format_pattern(std::string_view name);

}  // namespace logitkit::grammar
