#include "formats.h"

#include <string>

namespace logitkit::grammar {

namespace {

#define DIGIT "[0-9]"
#define DAY31 "(?:0[1-9]|[12][0-9]|3[01])"
#define DAY30 "(?:0[1-9]|[12][0-9]|30)"
#define DAY28 "(?:0[1-9]|1[0-9]|2[0-8])"
#define LEAP_YEAR "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)"
#define DATE                                                                                     \
  "(?:[0-9]{4}-(?:(?:0[13578]|1[02])-" DAY31 "|(?:0[469]|11)-" DAY30 "|02-" DAY28 ")|" LEAP_YEAR \
  "-02-29)"
#define TIME                                                                                  \
  "(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]+)?(?:[zZ]|[+-](?:[01][0-9]|2[0-3]):" \
  "[0-5][0-9])"
#define HEX "[0-9a-fA-F]"
#define OCTET "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
#define IPV4 OCTET "\\." OCTET "\\." OCTET "\\." OCTET
#define H16 HEX "{1,4}"
#define LS32 "(?:" H16 ":" H16 "|" IPV4 ")"
#define IPV6                                                                                       \
  "(?:(?:" H16 ":){6}" LS32 "|::(?:" H16 ":){5}" LS32 "|(?:" H16 ")?::(?:" H16 ":){4}" LS32        \
  "|(?:(?:" H16 ":){0,1}" H16 ")?::(?:" H16 ":){3}" LS32 "|(?:(?:" H16 ":){0,2}" H16 ")?::(?:" H16 \
  ":){2}" LS32 "|(?:(?:" H16 ":){0,3}" H16 ")?::" H16 ":" LS32 "|(?:(?:" H16 ":){0,4}" H16         \
  ")?::" LS32 "|(?:(?:" H16 ":){0,5}" H16 ")?::" H16 "|(?:(?:" H16 ":){0,6}" H16 ")?::)"
#define LABEL "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
#define ATOM "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
#define UNRESERVED "A-Za-z0-9._~\\-"
#define SUB_DELIMS "!$&'()*+,;="
#define PCT "%" HEX HEX
#define PCHAR "(?:[" UNRESERVED SUB_DELIMS ":@]|" PCT ")"
#define SEGMENT PCHAR "*"
#define SEGMENT_NZ PCHAR "+"
#define AUTHORITY                                                                      \
  "(?:(?:[" UNRESERVED SUB_DELIMS ":]|" PCT ")*@)?(?:\\[(?:" IPV6 "|[vV]" HEX          \
  "+\\.[" UNRESERVED SUB_DELIMS ":]+)\\]|" IPV4 "|(?:[" UNRESERVED SUB_DELIMS "]|" PCT \
  ")*)(?::[0-9]*)?"
#define URI                                                                                    \
  "[A-Za-z][A-Za-z0-9+.-]*:(?://" AUTHORITY "(?:/" SEGMENT ")*|/(?:" SEGMENT_NZ "(?:/" SEGMENT \
  ")*)?|" SEGMENT_NZ "(?:/" SEGMENT ")*|)(?:\\?(?:" PCHAR "|[/?])*)?(?:#(?:" PCHAR "|[/?])*)?"

// RFC 6570, in the subset every common validator accepts: variable names without dots, literals
// without DEL or non-ASCII controls.
#define VARNAME "(?:[A-Za-z0-9_]|" PCT ")+"
#define VARSPEC VARNAME "(?::[1-9][0-9]{0,3}|\\*)?"
#define URI_TEMPLATE                                                                        \
  "(?:[^\\x00-\\x20\\x7F\"'%<>\\\\^`{|}]|" PCT "|\\{[+#./;?&=,!@|]?" VARSPEC "(?:," VARSPEC \
  ")*\\})*"

struct Format {
  const char* name;
  const char* pattern;
};

const Format kFormats[] = {
    {"date", DATE},
    {"time", TIME},
    {"date-time", DATE "[Tt]" TIME},
    {"uuid", HEX "{8}-" HEX "{4}-" HEX "{4}-" HEX "{4}-" HEX "{12}"},
    {"email", ATOM "(?:\\." ATOM ")*@(?:" LABEL "\\.)+" LABEL},
    {"hostname", LABEL "(?:\\." LABEL ")*"},
    {"ipv4", IPV4},
    {"ipv6", IPV6},
    {"uri", URI},
    {"uri-template", URI_TEMPLATE},
};

}  // namespace

const char* format_pattern(std::string_view name) {
  for (const Format& f : kFormats) {
    if (name == f.name) return f.pattern;
  }
  return nullptr;
}

}  // namespace logitkit::grammar
