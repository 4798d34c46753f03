#!/usr/bin/env bash
# The Debian package as a server gets it (Packaging/build-deb.sh): builds it twice from the
# same binaries (the version of Packaging/debian/changelog, then that version +upgrade1),
# checks it with lintian, installs it with apt, bans and lists from /usr/bin with the
# default config as root, starts the daemon exactly as the installed unit's ExecStart=,
# User= and Group= say (no systemd here: setpriv, /opt/swift hidden, the unit's hardening
# imitated in a mount namespace) and pulls the ban with a bouncer key, verifies the unit
# with systemd-analyze, upgrades keeping the ban, the key and an edited conffile, then
# removes (config and data stay) and purges (both go, the warden user stays).
# Usage: bash Tests/package/run.sh [BIN_DIR]   (as root, on a machine without a warden package)
#   BIN_DIR: release binaries built as test_env.sh builds them (default: swift build -c release
#   --show-bin-path).
# Prints `ok - ...` / `not ok - ...` a check, then `N passed, N failed`; exits non-zero on a
# failure. The package is purged at the end, whatever happened.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
export PATH="/opt/swift/usr/bin:$PATH"
bin_dir="${1:-$(cd "$repo" && swift build -c release --show-bin-path)}"
passed=0 failed=0 finished=false daemon="" line=""
work="$(mktemp -d /tmp/warden-package.XXXXXX)"
chmod 0755 "$work"
start=$SECONDS

ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1"; failed=$((failed + 1)); }
# check DESCRIPTION COMMAND...: one check, its output shown only when it fails.
check() {
    local description="$1"
    shift
    if "$@" >"$work/check.out" 2>&1; then ok "$description"; else not_ok "$description"; sed 's/^/    /' "$work/check.out" | tail -20; fi
}
stop_daemon() {
    if [ -n "$daemon" ]; then
        kill -TERM "$daemon" 2>/dev/null || true
        local status=0
        wait "$daemon" || status=$?
        daemon=""
        return "$status"
    fi
}
finish() {
    local status=$?
    stop_daemon || true
    if ! $finished; then not_ok "the test stopped early (line ${line:-?}, exit $status); see the output above"; fi
    if dpkg-query -W -f='${db:Status-Status}' warden 2>/dev/null | grep -qv '^not-installed$'; then
        dpkg --purge warden >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
    echo "# took $((SECONDS - start)) s"
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
trap 'line=$LINENO' ERR
trap finish EXIT

if [ "$(id -u)" -ne 0 ]; then not_ok "run as root (it installs a package)"; finished=true; exit 1; fi
if dpkg-query -W -f='${db:Status-Status}' warden 2>/dev/null | grep -qv '^not-installed$' \
    || [ -e /etc/warden ] || [ -e /var/lib/warden ]; then
    echo "Tests/package/run.sh: warden is installed here (or /etc/warden, /var/lib/warden exist); this test would purge it" >&2
    finished=true
    trap - EXIT
    echo "0 passed, 1 failed"
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
missing=()
command -v lintian >/dev/null || missing+=(lintian)
command -v systemd-analyze >/dev/null || missing+=(systemd)
command -v man >/dev/null || missing+=(man-db)
command -v curl >/dev/null || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Whether /opt/swift can be hidden (a mount namespace with a tmpfs over it); a server has none.
hide_swift=false
if [ -d /opt/swift ] && unshare --mount -- sh -c 'mount -t tmpfs -o ro none /opt/swift' 2>/dev/null; then
    hide_swift=true
elif [ -d /opt/swift ]; then
    echo "# no mount namespace here: /opt/swift stays visible; ldd alone says what the binaries need"
fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# as_server COMMAND...: runs a command with a server's environment: no /opt/swift (a tmpfs over
# it, in a mount namespace of its own), an empty environment, PATH=/usr/bin:/bin, in /.
as_server() {
    if $hide_swift; then
        env -C / -i PATH=/usr/bin:/bin LD_LIBRARY_PATH= unshare --mount -- \
            sh -c 'mount -t tmpfs -o ro none /opt/swift && exec "$@"' sh "$@"
    else
        env -C / -i PATH=/usr/bin:/bin "$@"
    fi
}
# start_daemon: the installed unit's ExecStart= as its User= and Group=, in the background.
unit=/lib/systemd/system/warden.service
start_daemon() {
    local exec_start user group limit
    exec_start="$(sed -n 's/^ExecStart=//p' "$unit")"
    user="$(sed -n 's/^User=//p' "$unit")"
    group="$(sed -n 's/^Group=//p' "$unit")"
    limit="$(sed -n 's/^LimitNOFILE=//p' "$unit")"
    read -ra command <<<"$exec_start"
    local run=(setpriv --reuid="$user" --regid="$group" --init-groups --no-new-privs -- "${command[@]}")
    # A simple command in the background: every step execs the next, so $! is the daemon's pid.
    if $hide_swift; then
        # The unit's hardening, as a mount namespace can say it without systemd: ProtectSystem=strict
        # (the root file system read-only), ReadWritePaths=/var/lib/warden (a writable bind mount),
        # PrivateTmp=yes (a tmpfs on /tmp), NoNewPrivileges=yes (setpriv), LimitNOFILE= (up to
        # this machine's hard limit).
        env -C / -i PATH=/usr/bin:/bin unshare --mount -- sh -c 'mount -t tmpfs -o ro none /opt/swift &&
            mount --bind /var/lib/warden /var/lib/warden && mount -t tmpfs -o mode=1777 none /tmp &&
            mount -o remount,bind,ro / && { ulimit -n "$0" 2>/dev/null || true; } && exec "$@"' "$limit" "${run[@]}" \
            >>"$work/daemon.log" 2>&1 &
    else
        env -C / -i PATH=/usr/bin:/bin "${run[@]}" >>"$work/daemon.log" 2>&1 &
    fi
    daemon=$!
    for _ in $(seq 100); do
        curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && return 0
        kill -0 "$daemon" 2>/dev/null || break
        sleep 0.1
    done
    echo "the daemon did not answer on 127.0.0.1:$port:" >&2
    cat "$work/daemon.log" >&2
    return 1
}
pull() { curl -fsS -H "X-Api-Key: $key" "http://127.0.0.1:$port/v1/decisions?ip=192.0.2.7"; }

echo "## build: twice from $bin_dir"
version="$(sed -n '1s/^warden (\([^)]*\)).*/\1/p' "$repo/Packaging/debian/changelog")"
build_start=$SECONDS
deb1="$(bash "$repo/Packaging/build-deb.sh" --bin-dir "$bin_dir" --out "$work/v1" --fast 2>"$work/build1.log" | tail -1)" \
    || { cat "$work/build1.log"; exit 1; }
deb2="$(bash "$repo/Packaging/build-deb.sh" --bin-dir "$bin_dir" --out "$work/v2" --fast --version "$version+upgrade1" \
    2>"$work/build2.log" | tail -1)" || { cat "$work/build2.log"; exit 1; }
echo "# two packages in $((SECONDS - build_start)) s; $(du -h "$deb1" | cut -f1) each (xz -1), $(dpkg-deb -f "$deb1" Installed-Size) KiB installed"
check "the package is named warden_${version}_$(dpkg --print-architecture).deb" test "$(basename "$deb1")" = "warden_${version}_$(dpkg --print-architecture).deb"
depends="$(dpkg-deb -f "$deb1" Depends)"
echo "# Depends: $depends"
check "Depends: names the libraries the binaries link (libsqlite3-0 libmariadb3 libpq5 libyaml-0-2 zlib1g adduser)" \
    bash -c 'for p in libsqlite3-0 libmariadb3 libpq5 libyaml-0-2 zlib1g libc6 adduser; do grep -Eq "(^|, )$p( |,|$)" <<<"$1" || { echo "missing $p"; exit 1; }; done' _ "$depends"
check "dpkg-deb lists the files of the issue" bash -c 'dpkg-deb -c "$1" | awk "{print \$6}" >"$2/files"
    for f in ./usr/bin/warden ./usr/bin/warden-daemon ./usr/lib/warden/libwarden-backend-{sqlite,mysql,postgresql,dummy}.so \
        ./etc/warden/config.yaml ./etc/warden/plugins/backend/sqlite.yaml ./lib/systemd/system/warden.service ./var/lib/warden/ \
        ./usr/share/doc/warden/README.md.gz ./usr/share/doc/warden/changelog.gz ./usr/share/doc/warden/copyright \
        ./usr/share/man/man1/warden.1.gz ./usr/share/man/man1/warden-ban-add-ip.1.gz ./usr/share/man/man1/warden-daemon.1.gz \
        ./usr/share/bash-completion/completions/warden ./usr/share/zsh/vendor-completions/_warden \
        ./usr/share/fish/vendor_completions.d/warden.fish; do grep -qxF "$f" "$2/files" || { echo "missing $f"; exit 1; }; done' _ "$deb1" "$work"
check "the conffiles are config/ in /etc/warden" bash -c 'dpkg-deb --ctrl-tarfile "$1" | tar -xOf - ./conffiles | sort >"$2/conffiles"
    (cd "$3/config" && find . -path ./README.md -prune -o -path ./warden.service -prune -o -type f -print | sed "s|^\.|/etc/warden|" | sort) | diff - "$2/conffiles"' _ "$deb1" "$work" "$repo"

echo "## lintian"
lintian --display-info --tag-display-limit 0 "$deb1" 2>&1 | grep -v '^running with root privileges' | tee "$work/lintian.out" || true
check "lintian: no error, warning or info tag (each known one is overridden with its reason)" test ! -s "$work/lintian.out"

echo "## install $deb1"
check "apt-get install ./warden_${version}.deb (Depends pulled)" apt-get install -y -qq --no-install-recommends "$deb1" </dev/null
check "dpkg says warden $version is installed" test "$(dpkg-query -W -f='${Version} ${db:Status-Status}' warden)" = "$version installed"
check "user warden: a system user with no login shell, group warden" bash -c '
    [ "$(id -u warden)" -lt 1000 ] && [ "$(id -gn warden)" = warden ] && [ "$(getent passwd warden | cut -d: -f7)" = /usr/sbin/nologin ]'
check "/var/lib/warden is warden:warden 0750" test "$(stat -c '%U:%G %a' /var/lib/warden)" = "warden:warden 750"
check "/etc/warden/plugins/backend (database passwords) is root:warden 0750" test "$(stat -c '%U:%G %a' /etc/warden/plugins/backend)" = "root:warden 750"
check "/etc/warden/notifications (SMTP passwords, tokens) is root:warden 0750, with the four samples" \
    test "$(stat -c '%U:%G %a' /etc/warden/notifications) $(ls /etc/warden/notifications | tr '\n' ' ')" = "root:warden 750 email.yaml http.yaml slack.yaml splunk.yaml "
check "binaries root:root 0755 in /usr/bin, backends 0644 in /usr/lib/warden" bash -c '
    [ "$(stat -c "%U:%G %a" /usr/bin/warden /usr/bin/warden-daemon | sort -u)" = "root:root 755" ] &&
    [ "$(stat -c "%U:%G %a" /usr/lib/warden/*.so | sort -u)" = "root:root 644" ] && [ "$(ls /usr/lib/warden/*.so | wc -l)" -eq 4 ]'
check "the unit runs as User=warden Group=warden, keeps its hardening and StateDirectory=warden" bash -c '
    for l in User=warden Group=warden NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes StateDirectory=warden; do
        grep -qx "$l" "$1" || { echo "missing $l"; exit 1; }; done' _ "$unit"
check "no binary needs a library from /opt/swift or one that is missing (ldd)" bash -c '
    ! ldd /usr/bin/warden /usr/bin/warden-daemon /usr/lib/warden/*.so | grep -E "/opt/swift|not found"'
check "warden --version runs $($hide_swift && echo "with /opt/swift hidden and ")in an empty environment" \
    bash -c "hide_swift=$hide_swift; $(declare -f as_server); as_server warden --version | grep -qx 'warden [0-9.]* (backend ABI [0-9.]*)'"
check "man finds warden-ban-add-ip(1); whatis can index it (lexgrog)" bash -c 'lexgrog "$(man -w warden-ban-add-ip)"'
check "bash completion completes 'warden ba' to backends and ban" bash -c '
    source /usr/share/bash-completion/completions/warden && COMP_WORDS=(warden ba) COMP_CWORD=1 && _warden && printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " " | grep -q "backends ban"'
check "systemd-analyze verify the installed unit (man pages included)" bash -c '
    out="$(systemd-analyze verify "$1" 2>&1)"; echo "$out"; [ -z "$out" ]' _ "$unit"

echo "## as root, from /usr/bin, with /etc/warden/config.yaml"
port="$(free_port)" metrics_port="$(free_port)"
sed -i -e "s|^    listen_uri: 127.0.0.1:8080$|    listen_uri: 127.0.0.1:$port|" -e "s|^  listen_port: 6060$|  listen_port: $metrics_port|" /etc/warden/config.yaml
check "the conffile /etc/warden/config.yaml is edited (listen_uri 127.0.0.1:$port)" grep -q "listen_uri: 127.0.0.1:$port" /etc/warden/config.yaml
check "warden ban add ip 192.0.2.7 4h test" as_server warden ban add ip 192.0.2.7 4h test
as_server warden ban list >"$work/list.out" 2>&1 || true
cat "$work/list.out"
check "warden ban list shows it" grep -Eq '^cli +192\.0\.2\.7 +test ' "$work/list.out"
key="$(as_server warden bouncers add package-test -o raw)"
mkdir -m 0700 "$work/root-only"
as_server warden machines add package-agent --auto -f "$work/root-only/credentials.yaml" || true
check "warden bouncers add package-test prints a key" test -n "$key"
check "warden machines add -f FILE writes FILE as root (a folder only root may write), the machine as warden" bash -c '
    [ "$(stat -c "%U %a" "$1")" = "root 600" ] && [ "$(stat -c %U /var/lib/warden/machines)" = warden ]' _ "$work/root-only/credentials.yaml"
check "the files root made in /var/lib/warden belong to warden (the CLI switched to it)" bash -c '
    ls -la /var/lib/warden; [ -f /var/lib/warden/warden.db ] && [ -z "$(find /var/lib/warden ! -user warden)" ]'

echo "## the daemon as the unit starts it: $(sed -n 's/^ExecStart=//p' "$unit") as $(sed -n 's/^User=//p' "$unit")"
check "the daemon starts and answers /health$($hide_swift && echo " (/ read-only but /var/lib/warden, a private /tmp, no new privileges)")" start_daemon
check "its process runs as warden" test "$(ps -o user= -p "${daemon:-0}" | tr -d ' ')" = warden
if $hide_swift; then
    check "in its mount namespace / is read-only and /var/lib/warden writable" bash -c '
        awk "\$5 == \"/\" { print \$6 }" "/proc/$1/mountinfo" | grep -q "^ro" &&
        awk "\$5 == \"/var/lib/warden\" { print \$6 }" "/proc/$1/mountinfo" | grep -q "^rw"' _ "${daemon:-0}"
fi
pull >"$work/pull.out" 2>&1 || true
cat "$work/pull.out"; echo
check "GET /v1/decisions?ip=192.0.2.7 with the bouncer key returns the ban" grep -q '"value":"192.0.2.7"' "$work/pull.out"
check "without a key it is refused (403)" test "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v1/decisions?ip=192.0.2.7")" = 403
check "a ban added by root while the daemon runs reaches the daemon" bash -c "hide_swift=$hide_swift; $(declare -f as_server); key='$key' port=$port
    as_server warden ban add ip 192.0.2.8 1h second >/dev/null && sleep 2 &&
    curl -fsS -H \"X-Api-Key: \$key\" \"http://127.0.0.1:\$port/v1/decisions?ip=192.0.2.8\" | grep -q '\"value\":\"192.0.2.8\"'"
check "SIGTERM stops the daemon with exit 0" stop_daemon
check "the data folder still holds only warden's files" test -z "$(find /var/lib/warden ! -user warden)"

echo "## upgrade to $version+upgrade1"
check "apt-get install ./warden_${version}+upgrade1.deb (no conffile prompt)" apt-get install -y -qq --no-install-recommends "$deb2" </dev/null
check "dpkg says warden $version+upgrade1 is installed" test "$(dpkg-query -W -f='${Version}' warden)" = "$version+upgrade1"
check "the packaged changelog starts with the new version" bash -c "zcat /usr/share/doc/warden/changelog.gz | head -1 | grep -qF 'warden ($version+upgrade1)'"
check "the edited conffile is kept" grep -q "listen_uri: 127.0.0.1:$port" /etc/warden/config.yaml
check "/var/lib/warden is still warden:warden 0750" test "$(stat -c '%U:%G %a' /var/lib/warden)" = "warden:warden 750"
as_server warden ban list >"$work/list2.out" 2>&1 || true
check "the ban is kept" grep -Eq '^cli +192\.0\.2\.7 +test ' "$work/list2.out"
check "the daemon starts again" start_daemon
pull >"$work/pull2.out" 2>&1 || true
check "the bouncer key is kept: the ban is pulled with it" grep -q '"value":"192.0.2.7"' "$work/pull2.out"
check "SIGTERM stops it with exit 0" stop_daemon

echo "## remove, then purge"
check "dpkg --remove warden" dpkg --remove warden
check "the binaries and the unit are gone" bash -c '[ ! -e /usr/bin/warden ] && [ ! -e /usr/bin/warden-daemon ] && [ ! -e /usr/lib/warden ] && [ ! -e /lib/systemd/system/warden.service ]'
check "the config (with its edit) and the data stay" bash -c "grep -q 'listen_uri: 127.0.0.1:$port' /etc/warden/config.yaml && [ -f /var/lib/warden/warden.db ] && [ -f /var/lib/warden/bouncers ]"
check "dpkg --purge warden" dpkg --purge warden
check "/etc/warden and /var/lib/warden are gone" bash -c '[ ! -e /etc/warden ] && [ ! -e /var/lib/warden ]'
check "no statoverride is left" bash -c '! dpkg-statoverride --list | grep -E " /(var/lib/warden|etc/warden/plugins/backend|etc/warden/notifications)$"'
check "the warden user is kept (Debian keeps system users)" id warden
finished=true
