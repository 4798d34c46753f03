#!/usr/bin/env bash
# Builds Warden (release) and lays out a self-contained environment to try it in:
#   DIR/warden                      the command (static Swift runtime)
#   DIR/dev.yaml                    the main config (config/config.yaml, paths rewritten)
#   DIR/config/plugins/backend/     the shipped backend files (config/plugins/backend), paths rewritten:
#                                   sqlite.yaml, mysql.yaml.disabled, postgresql.yaml.disabled,
#                                   dummy.yaml.disabled
#   DIR/plugins/backend/*.so        the sqlite, mysql, postgresql and dummy backends
#   DIR/data/warden.db              the SQLite database (created by the first command)
#   DIR/notifications/              the notification samples (config/notifications), none started
#                                   until a profile names one; copied once, so edits are kept
# SQLite is the only backend enabled; rename a *.yaml.disabled file to *.yaml to enable another.
# The config files are rewritten on every run; the data is kept.
#
# Usage: ./test_env.sh [-d DIR] [--mysql] [--postgresql]
#   -d, --directory DIR  where to lay it out (default: ./warden-env)
#   --mysql              also start a private MariaDB server for this environment (data in DIR/mariadb,
#                        127.0.0.1 on a free port, no systemd, never a system server) and enable the MySQL
#                        backend beside SQLite with its credentials: every ban goes to both. Writes
#                        DIR/stop-mariadb.sh and DIR/start-mariadb.sh to stop it and start it again
#                        (the data is kept; delete DIR/mariadb after stopping to drop it).
#   --postgresql         the same with a private PostgreSQL cluster (data in DIR/postgresql, run as the
#                        'postgres' user) and the PostgreSQL backend; DIR/stop-postgresql.sh and
#                        DIR/start-postgresql.sh stop it and start it again.
#   -h, --help           this text
# Then: cd DIR && ./warden -c dev.yaml ban add ip 192.0.2.7 4h ssh bruteforce && ./warden -c dev.yaml ban list
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="$here/warden-env"
mysql=false
postgresql=false
while [ $# -gt 0 ]; do
    case "$1" in
        -d|--directory) dir="${2:?-d needs a folder}"; shift 2 ;;
        --mysql) mysql=true; shift ;;
        --postgresql) postgresql=true; shift ;;
        -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
        *) echo "test_env.sh: unknown option '$1'; see ./test_env.sh --help" >&2; exit 64 ;;
    esac
done
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
if [ "$dir" = "$here" ]; then
    echo "test_env.sh: -d names the repository itself; choose another folder, such as ./warden-env" >&2
    exit 64
fi
export PATH="/opt/swift/usr/bin:$PATH"
servers=()
if $mysql; then servers+=(--with-mariadb); fi
if $postgresql; then servers+=(--with-postgresql); fi
bash "$here/Tests/support/install-deps.sh" "${servers[@]}"

echo "building warden and its backends (release)..." >&2
(cd "$here" && swift build -c release --static-swift-stdlib --product warden >&2 \
    && swift build -c release --static-swift-stdlib --product warden-daemon >&2 \
    && for backend in sqlite mysql postgresql dummy; do swift build -c release --product "warden-backend-$backend" >&2; done)
bin="$(cd "$here" && swift build -c release --show-bin-path)"

mkdir -p "$dir"/{data,plugins/backend}
install -m 0755 "$bin/warden" "$bin/warden-daemon" "$dir/"
for backend in sqlite mysql postgresql dummy; do
    install -m 0755 "$bin/libwarden-backend-$backend.so" "$dir/plugins/backend/"
done

# The shipped files hold the production paths; point them into DIR instead.
# sed's replacement text needs \, & and the | delimiter escaped.
target="$(printf '%s' "$dir" | sed 's/[\\&|]/\\&/g')"
localize() {  # localize SHIPPED-FILE COPY [more sed arguments]
    local shipped="$1" copy="$2"
    shift 2
    { echo "# Copied by test_env.sh from config/${shipped#"$here/config/"}, with its paths pointed into this environment."
      sed -e "s|/usr/lib/warden/|$target/plugins/backend/|g" \
          -e "s|/var/lib/warden/|$target/data/|g" \
          -e "s|/etc/warden/plugins/backend/|$target/config/plugins/backend/|g" \
          "$@" "$shipped"
    } >"$copy"
}
rm -rf "$dir/config"
mkdir -p "$dir/config/plugins/backend"
localize "$here/config/config.yaml" "$dir/dev.yaml" -e "s|^  backend: ./plugins/backend|  backend: ./config/plugins/backend|" \
    -e "s|^  file: ./allowlist|  file: ./config/allowlist|"
cp "$here/config/allowlist" "$dir/config/allowlist"
# Beside dev.yaml, where the daemon looks for its profiles and simulation file.
cp "$here/config/profiles.yaml" "$dir/profiles.yaml"
cp "$here/config/simulation.yaml" "$dir/simulation.yaml"
# The notification samples, where dev.yaml's notification_dir points; a re-run keeps edits.
[ -e "$dir/notifications" ] || cp -r "$here/config/notifications" "$dir/notifications"
for shipped in "$here"/config/plugins/backend/*; do
    localize "$shipped" "$dir/config/plugins/backend/$(basename "$shipped")"
done

# server_scripts NAME SCRIPT DATA: DIR/start-NAME.sh and DIR/stop-NAME.sh for a private server.
server_scripts() {
    install -D -m 0755 "$here/Tests/support/$2" "$dir/support/$2"
    for action in start stop; do
        cat >"$dir/$action-$1.sh" <<SCRIPT
#!/usr/bin/env bash
# ${action^}s this environment's private $1 server (data in ./$3, kept).
here="\$(cd "\$(dirname "\$0")" && pwd)"
exec bash "\$here/support/$2" $action "\$here/$3"
SCRIPT
        chmod 0755 "$dir/$action-$1.sh"
    done
}

enabled="sqlite in data/warden.db"
if $mysql; then
    bash "$here/Tests/support/mariadb.sh" up "$dir/mariadb"
    # shellcheck source=/dev/null
    . "$dir/mariadb/env"
    localize "$here/config/plugins/backend/mysql.yaml.disabled" "$dir/config/plugins/backend/mysql.yaml" \
        -e "s|^  db_host: .*|  db_host: 127.0.0.1|" -e "s|^  db_port: .*|  db_port: $MARIADB_PORT|" \
        -e "s|^  db_username: .*|  db_username: $MARIADB_USER|" -e "s|^  db_password: .*|  db_password: $MARIADB_PASSWORD|"
    rm "$dir/config/plugins/backend/mysql.yaml.disabled"
    server_scripts mariadb mariadb.sh mariadb
    enabled="$enabled, mysql on 127.0.0.1:$MARIADB_PORT (./stop-mariadb.sh, ./start-mariadb.sh)"
elif [ -f "$dir/mariadb/mysqld.pid" ] && kill -0 "$(cat "$dir/mariadb/mysqld.pid")" 2>/dev/null; then
    echo "note: this environment's MariaDB (from an earlier --mysql run) still runs; ./stop-mariadb.sh stops it" >&2
fi
if $postgresql; then
    # The cluster runs as 'postgres', which must reach its folder.
    chmod o+x "$dir"
    bash "$here/Tests/support/postgresql.sh" up "$dir/postgresql"
    # shellcheck source=/dev/null
    . "$dir/postgresql/env"
    localize "$here/config/plugins/backend/postgresql.yaml.disabled" "$dir/config/plugins/backend/postgresql.yaml" \
        -e "s|^  db_host: .*|  db_host: 127.0.0.1|" -e "s|^  db_port: .*|  db_port: $POSTGRES_PORT|" \
        -e "s|^  db_username: .*|  db_username: $POSTGRES_USER|" -e "s|^  db_password: .*|  db_password: $POSTGRES_PASSWORD|"
    rm "$dir/config/plugins/backend/postgresql.yaml.disabled"
    server_scripts postgresql postgresql.sh postgresql
    enabled="$enabled, postgresql on 127.0.0.1:$POSTGRES_PORT (./stop-postgresql.sh, ./start-postgresql.sh)"
elif [ -f "$dir/postgresql/data/postmaster.pid" ] && kill -0 "$(head -1 "$dir/postgresql/data/postmaster.pid")" 2>/dev/null; then
    echo "note: this environment's PostgreSQL (from an earlier --postgresql run) still runs; ./stop-postgresql.sh stops it" >&2
fi
echo "Warden test environment ready in $dir (backends: $enabled)" >&2
echo "next: cd $dir && ./warden -c dev.yaml ban add ip 192.0.2.7 4h ssh bruteforce && ./warden -c dev.yaml ban list"
