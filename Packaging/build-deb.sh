#!/usr/bin/env bash
# Builds the Debian package of Warden (Debian 12, dpkg-deb; no debhelper):
#   /usr/bin/warden, /usr/bin/warden-daemon         static Swift runtime, stripped
#   /usr/lib/warden/libwarden-backend-*.so          sqlite, mysql, postgresql, dummy
#   /etc/warden/                                    config/ as conffiles (plugins/backend and notifications
#                                                   root:warden 0750: they can hold passwords)
#   /lib/systemd/system/warden.service              config/warden.service (User=warden)
#   /var/lib/warden                                 warden:warden 0750 (dpkg-statoverride in postinst)
#   /usr/share/doc/warden/                          README.md.gz, changelog.gz, copyright
#   /usr/share/man/man1/                            warden.1 and one page a subcommand, warden-daemon.1
#   bash, zsh and fish completions                  from warden --generate-completion-script
# Depends: comes from dpkg-shlibdeps over the binaries and backends.
#
# Usage: Packaging/build-deb.sh [--bin-dir DIR] [--version V] [--out DIR] [--fast]
#   --bin-dir DIR  package the release binaries in DIR (warden, warden-daemon, libwarden-backend-*.so,
#                  built as test_env.sh builds them); without it, build them (swift build -c release)
#   --version V    the package version (default: the top entry of Packaging/debian/changelog; another
#                  version gets an entry of its own in the packaged changelog)
#   --out DIR      where to write warden_V_ARCH.deb (default: .build/deb)
#   --fast         compress with xz -1 instead of xz -6 (about 15 s instead of 80, a quarter larger;
#                  for tests)
#   -h, --help     this text
# Prints the path of the .deb on its last line.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
bin_dir="" version="" out="$repo/.build/deb" level=6
while [ $# -gt 0 ]; do
    case "$1" in
        --bin-dir) bin_dir="${2:?--bin-dir needs a folder}"; shift 2 ;;
        --version) version="${2:?--version needs a version}"; shift 2 ;;
        --out) out="${2:?--out needs a folder}"; shift 2 ;;
        --fast) level=1; shift ;;
        -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
        *) echo "build-deb.sh: unknown option '$1'; see Packaging/build-deb.sh --help" >&2; exit 64 ;;
    esac
done
export PATH="/opt/swift/usr/bin:$PATH"
backends=(sqlite mysql postgresql dummy)
umask 022  # the modes below are what Debian expects, whatever the caller's umask

# Build tools, installed only when missing.
missing=()
command -v dpkg-shlibdeps >/dev/null || missing+=(dpkg-dev)
command -v strip >/dev/null || missing+=(binutils)
command -v gzip >/dev/null || missing+=(gzip)
if [ ${#missing[@]} -gt 0 ]; then
    echo "build-deb.sh: installing ${missing[*]}" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

changelog_version="$(sed -n '1s/^warden (\([^)]*\)).*/\1/p' "$here/debian/changelog")"
version="${version:-$changelog_version}"
if ! [[ "$version" =~ ^[0-9][A-Za-z0-9.+~]*$ ]]; then
    echo "build-deb.sh: '$version' is not a native Debian version (digits first, then letters, digits, . + ~)" >&2
    exit 64
fi

if [ -z "$bin_dir" ]; then
    echo "build-deb.sh: building warden, warden-daemon and the backends (release)..." >&2
    (cd "$repo" && swift build -c release --static-swift-stdlib --product warden >&2 \
        && swift build -c release --static-swift-stdlib --product warden-daemon >&2 \
        && for backend in "${backends[@]}"; do swift build -c release --product "warden-backend-$backend" >&2; done)
    bin_dir="$(cd "$repo" && swift build -c release --show-bin-path)"
fi
binaries=("$bin_dir/warden" "$bin_dir/warden-daemon")
for backend in "${backends[@]}"; do binaries+=("$bin_dir/libwarden-backend-$backend.so"); done
for file in "${binaries[@]}"; do
    [ -f "$file" ] || { echo "build-deb.sh: $file is missing; build it, or leave --bin-dir out" >&2; exit 1; }
    # A server has no /opt/swift: the Swift runtime must be linked in (--static-swift-stdlib, -static-stdlib).
    if ldd "$file" | grep -Eq '/opt/swift|not found'; then
        echo "build-deb.sh: $file needs libraries a server does not have:" >&2
        ldd "$file" | grep -E '/opt/swift|not found' >&2
        echo "build it with --static-swift-stdlib, as test_env.sh does" >&2
        exit 1
    fi
done

arch="$(dpkg --print-architecture)"
work="$(mktemp -d /tmp/warden-deb.XXXXXX)"
trap 'rm -rf "$work"' EXIT
root="$work/root"

# Files, with the modes Debian expects (dpkg-deb --root-owner-group makes them root's).
install -d -m 0755 "$root"/usr/bin "$root"/usr/lib/warden "$root"/etc/warden/plugins/backend "$root"/etc/warden/notifications "$root"/lib/systemd/system \
    "$root"/var/lib/warden "$root"/usr/share/doc/warden "$root"/usr/share/man/man1 \
    "$root"/usr/share/bash-completion/completions "$root"/usr/share/zsh/vendor-completions \
    "$root"/usr/share/fish/vendor_completions.d "$root"/usr/share/lintian/overrides
install -m 0755 "$bin_dir/warden" "$bin_dir/warden-daemon" "$root/usr/bin/"
for backend in "${backends[@]}"; do
    install -m 0644 "$bin_dir/libwarden-backend-$backend.so" "$root/usr/lib/warden/"
done
# As dh_strip does: no symbol tables or .comment; a backend keeps its dynamic symbol New.
strip --remove-section=.comment --remove-section=.note "$root"/usr/bin/warden "$root"/usr/bin/warden-daemon
strip --remove-section=.comment --remove-section=.note --strip-unneeded "$root"/usr/lib/warden/*.so

for file in config.yaml allowlist profiles.yaml simulation.yaml; do
    install -m 0644 "$repo/config/$file" "$root/etc/warden/"
done
for file in "$repo"/config/plugins/backend/*; do
    install -m 0644 "$file" "$root/etc/warden/plugins/backend/"
done
for file in "$repo"/config/notifications/*.yaml; do
    install -m 0644 "$file" "$root/etc/warden/notifications/"
done
install -m 0644 "$repo/config/warden.service" "$root/lib/systemd/system/warden.service"

# Documentation, compressed as policy asks (gzip -9n: no name, no time stamp).
gzip -9nc "$repo/README.md" >"$root/usr/share/doc/warden/README.md.gz"
changelog="$work/changelog"
if [ "$version" != "$changelog_version" ]; then
    commit="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    { echo "warden ($version) unstable; urgency=medium"; echo
      echo "  * Built from commit $commit by Packaging/build-deb.sh --version $version."; echo
      echo " -- $(sed -n 's/^Maintainer: //p' "$here/debian/control.in")  $(date -uR)"; echo
      cat "$here/debian/changelog"
    } >"$changelog"
else
    cp "$here/debian/changelog" "$changelog"
fi
gzip -9nc "$changelog" >"$root/usr/share/doc/warden/changelog.gz"
install -m 0644 "$here/debian/copyright" "$root/usr/share/doc/warden/copyright"
install -m 0644 "$here/debian/lintian-overrides" "$root/usr/share/lintian/overrides/warden"

# Shell completions, from the very binary packaged.
# bash-completion sources the file: no #! line.
"$root/usr/bin/warden" --generate-completion-script bash | sed '1{/^#!/d}' >"$root/usr/share/bash-completion/completions/warden"
"$root/usr/bin/warden" --generate-completion-script zsh >"$root/usr/share/zsh/vendor-completions/_warden"
"$root/usr/bin/warden" --generate-completion-script fish >"$root/usr/share/fish/vendor_completions.d/warden.fish"

# Man pages: swift-argument-parser's generate-manual tool (what its generate-manual plugin
# runs) over the packaged binaries. The plugin itself first builds every product of the
# package in release mode with its own flags, which would be a second release build. The
# tool is built from a copy of the resolved swift-argument-parser as a package of its own
# (it has no dependencies), so its flags never touch Warden's own .build.
parser="$repo/.build/checkouts/swift-argument-parser"
[ -f "$parser/Package.swift" ] || (cd "$repo" && swift package resolve >&2)
tool_src="$repo/.build/generate-manual"
mkdir -p "$tool_src"
(cd "$parser" && tar --exclude=./.git --exclude=./.build -cf - .) | tar -C "$tool_src" -xf -
swift build --package-path "$tool_src" --product generate-manual >&2
manual="$(swift build --package-path "$tool_src" --show-bin-path)/generate-manual"
man_date="$(dpkg-parsechangelog -l "$changelog" -S Date | date -u -f - +%Y-%m-%d)"
mkdir -p "$work/man"
for tool in warden warden-daemon; do
    "$manual" "$root/usr/bin/$tool" --multi-page --date "$man_date" --section 1 \
        --output-directory "$work/man" >&2
done
# The tool names a subcommand's page warden.ban.add.ip with the name "warden ban add ip",
# which man-db's whatis cannot index; as git's pages do (git-commit(1), synopsis "git
# commit"), the page becomes warden-ban-add-ip and its synopsis keeps the command's words.
# The help subcommand's pages only repeat --help.
rm -f "$work"/man/*.help.1
for page in "$work"/man/*.1; do
    dashed="$(basename "$page" .1 | tr . -)"
    name="$(sed -n 's/^\.Nm "\(.*\)"$/\1/p' "$page" | head -1)"
    awk -v name="$name" -v dashed="$dashed" '
        $1 == ".Xr" && $2 ~ /\.help$/ { next }
        $1 == ".Dt" || $1 == ".Xr" { gsub(/\./, "-", $2) }
        name != "" && $0 == ".Nm \"" name "\"" { $0 = ".Nm " dashed }
        name != "" && $0 == ".Nm" { $0 = ".Nm \"" name "\"" }
        { print }' "$page" | gzip -9n >"$root/usr/share/man/man1/$dashed.1.gz"
done
chmod 0644 "$root"/usr/share/man/man1/*.gz "$root"/usr/share/*/*completion*/* "$root"/usr/share/zsh/vendor-completions/*

# Control files: Depends from the libraries the binaries link.
mkdir -p "$root/DEBIAN" "$work/shlibs/debian"
printf 'Source: warden\n\nPackage: warden\nArchitecture: any\n' >"$work/shlibs/debian/control"
shlibs="$(cd "$work/shlibs" && dpkg-shlibdeps -O "${root}/usr/bin/warden" "${root}/usr/bin/warden-daemon" \
    "$root"/usr/lib/warden/*.so 2>/dev/null | sed -n 's/^shlibs:Depends=//p')"
[ -n "$shlibs" ] || { echo "build-deb.sh: dpkg-shlibdeps found no dependency" >&2; exit 1; }
size="$(du -sk --exclude=DEBIAN "$root" | cut -f1)"
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@SIZE@|$size|" -e "s|@SHLIBS@|$shlibs|" \
    "$here/debian/control.in" >"$root/DEBIAN/control"
install -m 0644 "$here/debian/conffiles.in" "$root/DEBIAN/conffiles"
install -m 0755 "$here/debian/postinst" "$here/debian/prerm" "$here/debian/postrm" "$root/DEBIAN/"
(cd "$root" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -print0 | sort -z \
    | xargs -0 md5sum | sed 's|  \./|  |') >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/md5sums"

mkdir -p "$out"
deb="$(cd "$out" && pwd)/warden_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz -z"$level" --build "$root" "$deb" >&2
echo "build-deb.sh: $(du -h "$deb" | cut -f1) package, $(dpkg-deb -f "$deb" Installed-Size) KiB installed" >&2
echo "$deb"
