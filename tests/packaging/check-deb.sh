#!/bin/bash
# check-deb.sh CPACK CPACK_CONFIG VERSION
# Builds the .deb with CPack into a private temporary directory and checks it the way Debian
# tools and an admin would: control fields, contents and modes, a dpkg install into a fresh root,
# the installed binaries run, desktop/AppStream validation and lintian (no E: allowed).
set -euo pipefail

cpack=$1 config=$2 version=$3
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "PASS: $*"; }
step() { echo; echo "=== $*"; }

for tool in "$cpack" dpkg-deb dpkg-shlibdeps dpkg-query lintian desktop-file-validate appstreamcli \
    readelf file; do
    command -v "$tool" >/dev/null || { echo "FAIL: $tool missing (scripts/deps.txt lists it)" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/ca-deb-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
# No display here: the binaries run offscreen (--version/--help are also checked with none at all).
export QT_QPA_PLATFORM=offscreen
export HOME=$work/home XDG_CONFIG_HOME=$work/home/.config XDG_DATA_HOME=$work/home/.local/share
export XDG_RUNTIME_DIR=$work/runtime
mkdir -p "$HOME" && mkdir -m 0700 "$XDG_RUNTIME_DIR"

step "cpack -G DEB"
"$cpack" -G DEB --config "$config" -B "$work/out" >"$work/cpack.log" 2>&1 || {
    cat "$work/cpack.log" >&2; echo "FAIL: cpack" >&2; exit 1; }
arch=$(dpkg --print-architecture)
deb=$work/out/connector-admin_${version}_${arch}.deb
[[ -f $deb ]] || { ls -l "$work/out" >&2; echo "FAIL: $deb not built" >&2; exit 1; }
pass "built $(basename "$deb")"

step "control fields"
field() { dpkg-deb -f "$deb" "$1"; }
[[ $(field Package) == connector-admin ]] && pass "Package" || fail "Package is '$(field Package)'"
[[ $(field Version) == "$version" ]] && pass "Version $version" || fail "Version is '$(field Version)'"
[[ $(field Architecture) == "$arch" ]] && pass "Architecture" || fail "Architecture"
for f in Maintainer Section Priority Description Homepage Installed-Size; do
    [[ -n $(field $f) ]] && pass "$f present" || fail "$f missing"
done
depends=$(field Depends)
echo "Depends: $depends"
# Found by dpkg-shlibdeps (so never hand-listed), plus the run-time plugin package.
depend_names=$(tr ',|' '\n\n' <<<"$depends" | awk 'NF {print $1}')
for pkg in libc6 libstdc++6 libqt6core6 libqt6gui6 libqt6widgets6 libqt6network6 libqt6httpserver6 \
    libqt6keychain1 libqt6svg6; do
    grep -Fqx "$pkg" <<<"$depend_names" && pass "Depends $pkg" || fail "Depends lacks $pkg"
done
grep -q "libqt6core6 (>=" <<<"$depends" && pass "versioned shlibs dependency" \
    || fail "no versioned libqt6core6 dependency (shlibdeps did not run?)"
# Every dependency is satisfiable here: one alternative of each is installed on this host.
IFS=',' read -ra groups <<<"$depends"
for group in "${groups[@]}"; do
    ok=0
    IFS='|' read -ra alts <<<"$group"
    for alt in "${alts[@]}"; do
        name=$(awk '{print $1}' <<<"$alt")
        dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q 'install ok installed' && ok=1
    done
    ((ok)) || fail "dependency '$group' is not installed on this host"
done

step "contents"
dpkg-deb -c "$deb" >"$work/contents"
paths=$(awk '{print $6}' "$work/contents" | sed 's|^\./|/|')
expected=(
    /usr/bin/connector-admin /usr/bin/connectorctl /usr/bin/connector-sandbox
    /usr/share/applications/connector-admin.desktop
    /usr/share/metainfo/invalid.example.ConnectorAdmin.metainfo.xml
    /usr/share/icons/hicolor/scalable/apps/connector-admin.svg
    /usr/share/man/man1/connector-admin.1.gz /usr/share/man/man1/connectorctl.1.gz
    /usr/share/man/man1/connector-sandbox.1.gz
    /usr/share/bash-completion/completions/connectorctl
    /usr/share/zsh/vendor-completions/_connectorctl
    /usr/share/fish/vendor_completions.d/connectorctl.fish
    /usr/share/doc/connector-admin/copyright /usr/share/doc/connector-admin/changelog.gz)
for size in 16 32 48 64 128 256; do
    expected+=("/usr/share/icons/hicolor/${size}x${size}/apps/connector-admin.png")
done
for p in "${expected[@]}"; do
    grep -qx "$p" <<<"$paths" && pass "$p" || fail "missing $p"
done
grep -E '^/usr/(lib|include)|/usr/local|/tst_|render-icon' <<<"$paths" && fail "unexpected files" || true
# Owner root/root; directories and executables 0755, other files 0644.
while read -r mode owner _ _ _ path _; do
    [[ $owner == root/root ]] || fail "$path owned by $owner"
    case $mode in
    d*) [[ $mode == drwxr-xr-x ]] || fail "$path is $mode" ;;
    -*) if [[ $path == ./usr/bin/* ]]; then want=-rwxr-xr-x; else want=-rw-r--r--; fi
        [[ $mode == "$want" ]] || fail "$path is $mode, want $want" ;;
    *) fail "$path: unexpected type $mode" ;;
    esac
done <"$work/contents"
pass "owners and modes checked"

step "install into a fresh dpkg root"
root=$work/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
# The root has no packages at all, so its dependencies cannot be met there (checked above instead).
if dpkg --root="$root" --log="$work/dpkg.log" --force-depends --force-not-root -i "$deb" \
    >"$work/dpkg-i.log" 2>&1; then
    dpkg --root="$root" -s connector-admin | grep -q '^Status: install ok installed' \
        && pass "dpkg -i: install ok installed" || fail "dpkg -i: not installed"
else
    cat "$work/dpkg-i.log" >&2
    fail "dpkg -i into $root"
fi

step "installed binaries"
for bin in connector-admin connectorctl connector-sandbox; do
    exe=$root/usr/bin/$bin
    [[ -x $exe ]] || { fail "$bin not installed"; continue; }
    if readelf -d "$exe" | grep -Eq 'RPATH|RUNPATH'; then fail "$bin has an RPATH"; else pass "$bin: no RPATH"; fi
    file "$exe" | grep -q ', stripped' && pass "$bin: stripped" || fail "$bin is not stripped"
    missing=$(ldd "$exe" | grep 'not found' || true)
    [[ -z $missing ]] && pass "$bin: every library resolves" || fail "$bin: $missing"
    out=$(timeout 60 "$exe" --version 2>&1) && grep -q "$version" <<<"$out" \
        && pass "$bin --version: $out" || fail "$bin --version printed '$out'"
    out=$(timeout 60 "$exe" --help 2>&1) && grep -qi 'usage' <<<"$out" \
        && pass "$bin --help" || fail "$bin --help failed: $out"
done
# Over SSH there is no display at all: --version and --help must not need one.
exe=$root/usr/bin/connector-admin
out=$(env -u QT_QPA_PLATFORM -u DISPLAY -u WAYLAND_DISPLAY timeout 60 "$exe" --version 2>&1) \
    && grep -q "$version" <<<"$out" && pass "connector-admin --version without a display: $out" \
    || fail "connector-admin --version without a display printed '$out'"
out=$(env -u QT_QPA_PLATFORM -u DISPLAY -u WAYLAND_DISPLAY timeout 60 "$exe" --help 2>&1) \
    && grep -qi 'usage' <<<"$out" && pass "connector-admin --help without a display" \
    || fail "connector-admin --help without a display failed: $out"

step "icons"
for size in 16 32 48 64 128 256; do
    png=$root/usr/share/icons/hicolor/${size}x${size}/apps/connector-admin.png
    file "$png" | grep -q "PNG image data, $size x $size," && pass "${size}px PNG" \
        || fail "$png: $(file -b "$png")"
done

step "desktop-file-validate"
if out=$(desktop-file-validate "$root/usr/share/applications/connector-admin.desktop" 2>&1) && [[ -z $out ]]; then
    pass "desktop file"
else
    fail "desktop-file-validate: $out"
fi
grep -q '^Exec=connector-admin' "$root/usr/share/applications/connector-admin.desktop" \
    && [[ -x $root/usr/bin/connector-admin ]] && pass "Exec is the installed binary" || fail "Exec"

step "appstreamcli validate"
metainfo=$root/usr/share/metainfo/invalid.example.ConnectorAdmin.metainfo.xml
if appstreamcli validate --no-net "$metainfo"; then pass "metainfo"; else fail "appstreamcli validate"; fi
grep -q "<release version=\"$version\"" "$metainfo" && pass "metainfo release $version" \
    || fail "metainfo lacks release $version"

step "lintian"
lintian --tag-display-limit 0 "$deb" >"$work/lintian.log" 2>&1 || true
cat "$work/lintian.log"
errors=$(grep -c '^E:' "$work/lintian.log" || true)
warnings=$(grep -c '^W:' "$work/lintian.log" || true)
echo "lintian: $errors error(s), $warnings warning(s)"
((errors == 0)) && pass "lintian: no errors" || fail "lintian reported $errors error(s)"

echo
if ((failures)); then
    echo "$failures check(s) failed"
    exit 1
fi
echo "all checks passed"
