"""Shell scripts that read an MFT service's configuration *on its host*, keeping secrets there.

Written for POSIX sh, awk, tar, stat and sha256sum (coreutils); JSON and YAML exports need
``python3`` on the host (YAML also PyYAML): a host without them makes that content unverified,
never read here instead. What leaves the host, line by line:

- ``C <directive line>``: a ProFTPD directive or section line, comments and blanks dropped,
  continuation lines joined;
- ``S <Directive> sha256:<hex>``: a directive that carries a secret (``SQLConnectInfo``,
  ``LDAPBindDN``, ``UserPassword``, anything named *passw*, *passphrase*, *secret*, *salt*,
  *token*), its arguments as a SHA-256 only;
- ``U name:uid:gid:home:shell:<sha256 of the password hash>``: an AuthUserFile entry;
- ``@@file PATH`` / ``@@users PATH`` before each file's lines, ``@@entries {json}`` for JSON/YAML
  entries (fields named like secrets as ``{"digest": ...}``, nested values as a digest).
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence

#: ProFTPD directives whose arguments are secrets (lower case), besides names matching _SECRET_WORDS
SECRET_DIRECTIVES = ("sqlconnectinfo", "ldapbinddn", "userpassword", "grouppassword", "radiusauthserver",
                     "radiusacctserver", "redisserver", "redissentinel")
_SECRET_WORDS = "passw|passphrase|secret|salt|token"
_SECRET_RE = f"^({'|'.join(SECRET_DIRECTIVES)})$|{_SECRET_WORDS}"

FUNCTIONS = r"""
conf() {
  awk -v secret="$SECRET_RE" '
    { sub(/\r$/, "") }
    held != "" { $0 = held " " $0; held = "" }
    /\\$/ { held = substr($0, 1, length($0) - 1); next }
    { sub(/^[ \t]+/, ""); sub(/[ \t]+$/, "") }
    $0 == "" || /^#/ { next }
    tolower($1) ~ secret {
      name = $1; args = substr($0, length(name) + 1); sub(/^[ \t]+/, "", args)
      printf "S %s sha256:", name; fflush()
      printf "%s", args | "sha256sum | cut -c1-64"; close("sha256sum | cut -c1-64"); next
    }
    { print "C " $0 }'
}
users() {
  while IFS=: read -r n h u g x home s || [ -n "$n" ]; do
    case $n in ''|'#'*) continue ;; esac
    d=$(printf '%s' "$h" | sha256sum)
    printf 'U %s:%s:%s:%s:%s:%s\n' "$n" "$u" "$g" "$home" "$s" "${d%% *}"
  done
}
isconf() {
  [ -n "$auth" ] && [ "$1" = "$auth" ] && return 1
  set -f; IFS=$NL
  for c in $CONF_PATTERNS; do case $1 in $c) IFS=$SP; set +f; return 0 ;; esac; done
  IFS=$SP; set +f; return 1
}
"""

EXPORT = r"""
printf '@@now %s\n@@glob %s\n@@format %s\n' "$(date +%s)" "$g" "$fmt"
nt=-1; f=; IFS=$NL
for c in $g; do
  [ -f "$c" ] || continue
  t=$(stat -c %Y -- "$c") || continue
  if [ "$t" -gt "$nt" ]; then nt=$t; f=$c; fi
done
IFS=$SP
if [ -z "$f" ]; then
  d=${g%/*}; why=
  case $d in *[][*?]*) ;; *)
    if [ -n "$d" ] && [ ! -d "$d" ]; then why="no directory $d"
    elif [ -n "$d" ] && ! { [ -r "$d" ] && [ -x "$d" ]; }; then printf '@@denied permission denied on %s\n' "$d"; exit 0; fi ;;
  esac
  printf '@@nomatch %s\n' "${why:-nothing matches}"
  exit 0
fi
s=$(sha256sum -- "$f") || exit 3
printf '@@export %s\n@@mtime %s\n@@size %s\n@@sha256 %s\n' "$f" "$nt" "$(stat -c %s -- "$f")" "${s%% *}"
case $fmt in
  proftpd)
    case $f in *.tar.gz|*.tgz) z=z ;; *.tar) z= ;; *) printf '@@file %s\n' "$f"; conf <"$f"; exit 0 ;; esac
    list=$(tar -t${z}f "$f" 2>&1) || { printf '@@content-error cannot list the archive: %s\n' "$(printf '%s' "$list" | tail -n 1)"; exit 0; }
    printf '%s\n' "$list" | while IFS= read -r m; do
      p=/${m#./}
      if [ -n "$auth" ] && [ "$p" = "$auth" ]; then printf '@@users %s\n' "$p"; tar -x${z}Of "$f" -- "$m" | users
      elif isconf "$p"; then printf '@@file %s\n' "$p"; tar -x${z}Of "$f" -- "$m" | conf; fi
    done ;;
  json|yaml|sftpgo)
    command -v python3 >/dev/null 2>&1 || { printf '@@content-error python3 is needed on the host to read a %s export\n' "$fmt"; exit 0; }
    python3 -c "$ENTRIES" "$f" "$fmt" "$key" ;;
esac
"""

LIVE = r"""
set -f; IFS=$NL
for c in $CONF_PATTERNS; do
  set +f
  for f in $c; do
    isconf "$f" && [ -f "$f" ] || continue
    if [ -r "$f" ]; then printf '@@file %s\n' "$f"; conf <"$f"; else printf '@@unreadable %s: permission denied\n' "$f"; fi
  done
  set -f; IFS=$NL
done
set +f; IFS=$SP
if [ -n "$auth" ] && [ -e "$auth" ]; then
  if [ -r "$auth" ]; then printf '@@users %s\n' "$auth"; users <"$auth"; else printf '@@unreadable %s: permission denied\n' "$auth"; fi
fi
"""

#: run on the host by python3: the entries under the key path, secrets and nested values digested
ENTRIES = r"""
import hashlib, json, re, sys
path, fmt, key_path = sys.argv[1:4]
class Unreadable(Exception):
    pass
SECRET = re.compile(r"passw|secret|token|salt|private|credential|key", re.I)
def digest(value):
    return "sha256:" + hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()
def shown(name, value):
    if SECRET.search(str(name)):
        return {"digest": digest(value)}
    return digest(value) if isinstance(value, (dict, list)) else value
def named(index, item):
    if isinstance(item, dict):
        for field in ("name", "username", "id"):
            if isinstance(item.get(field), (str, int)):
                return str(item[field])
    return str(index)
try:
    with open(path, "rb") as stream:
        raw = stream.read()
    if fmt == "yaml":
        try:
            import yaml
        except ImportError:
            raise Unreadable("PyYAML (python3-yaml) is needed on the host to read a YAML export")
        data = yaml.safe_load(raw)
    else:
        data = json.loads(raw)
    if key_path or fmt != "sftpgo":
        paths, optional = [key_path], False
    else:
        paths, optional = ["users", "groups", "folders", "event_actions", "event_rules"], True
    entries = {}
    for key in paths:
        node = data
        for part in filter(None, key.split(".")):
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif optional:
                node = None
                break
            else:
                raise Unreadable("key path %s: no %r in the export" % (key, part))
        items = node.items() if isinstance(node, dict) else enumerate(node or [])
        prefix = key + "/" if key and len(paths) > 1 else ""
        for index, item in items:
            name = prefix + (str(index) if isinstance(node, dict) else named(index, item))
            entries[name] = ({str(k): shown(k, v) for k, v in item.items()} if isinstance(item, dict)
                             else {"value": shown("value", item)})
    print("@@entries " + json.dumps(entries, sort_keys=True, default=str))
except Unreadable as error:
    print("@@content-error %s" % error)
except Exception as error:
    print("@@content-error cannot read the %s export: %s: %s" % (fmt, type(error).__name__, (str(error).splitlines() or [""])[0]))
"""


def _preamble(conf_patterns: Sequence[str], auth: str) -> str:
    return ("NL='\n'; SP=' \t\n'\n"
            f"SECRET_RE={shlex.quote(_SECRET_RE)}\n"
            f"CONF_PATTERNS={shlex.quote(chr(10).join(conf_patterns))}\n"
            f"auth={shlex.quote(auth)}\n" + FUNCTIONS)


def export_script(glob: str, fmt: str, conf_patterns: Sequence[str], auth: str, key_path: str) -> str:
    """The newest export matching ``glob``: metadata, SHA-256, then its content read on the host."""
    return (_preamble(conf_patterns, auth)
            + f"g={shlex.quote(glob)}; fmt={shlex.quote(fmt)}; key={shlex.quote(key_path)}\n"
            + f"ENTRIES={shlex.quote(ENTRIES)}\n" + EXPORT)


def live_script(conf_patterns: Sequence[str], auth: str) -> str:
    """The live configuration files and AuthUserFile, read the same way as an export's members."""
    return _preamble(conf_patterns, auth) + LIVE
