#!/bin/bash
# A real WordPress next to the blog, for the benchmark's ratios (issue #6). Run as root;
# idempotent: running it again leaves the same site (the content is loaded separately,
# see bench/wordpress/README.md).
#
# Debian's packages: WordPress (/usr/share/wordpress, content in /var/lib/wordpress),
# the classic theme twentytwentyone, German language files; nginx on 127.0.0.1 only,
# PHP 8.2 FPM with opcache in a pool of its own, MariaDB (already running).
#
# Settings (environment):
#   WP_BENCH_PORT          nginx port on 127.0.0.1 (8089)
#   WP_BENCH_FPM_CHILDREN  php-fpm workers, pm = static (2 × cores + 1, as our gunicorn)
#   WP_BENCH_LOCALE        de_DE (as our blog) or en_US
#   WP_BENCH_MYSQL         how to reach MariaDB as an administrator ("mysql -uroot -h127.0.0.1")
#   WP_BENCH_DB_HOST       WordPress's DB_HOST: "localhost" is the Unix socket (typical)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PORT=${WP_BENCH_PORT:-8089}
CHILDREN=${WP_BENCH_FPM_CHILDREN:-$(($(nproc) * 2 + 1))}
LOCALE=${WP_BENCH_LOCALE:-de_DE}
MYSQL=${WP_BENCH_MYSQL:-mysql -uroot -h127.0.0.1}
DB_NAME=wpbench
DB_USER=wpbench
DB_PASSWORD=${WP_BENCH_DB_PASSWORD:-wpbench-only-on-127.0.0.1}
DB_HOST=${WP_BENCH_DB_HOST:-localhost}
PHP=8.2
CONFIG=/etc/wordpress/config-wpbench.php  # chosen per request by WORDPRESS_CONFIG=wpbench
SALTS=/etc/wordpress/wpbench-salts.php
POOL=/etc/php/$PHP/fpm/pool.d/wpbench.conf
SOCKET=/run/php/wpbench-fpm.sock

if [ "$(id -u)" != 0 ]; then
    echo "setup.sh: run as root" >&2
    exit 1
fi

# --- packages ---------------------------------------------------------------------------
# PHP-FPM and the `php` metapackage first: WordPress depends on "libapache2-mod-php | php",
# and apt takes Apache's module unless `php` is already satisfied by FPM.
STACK=(nginx "php$PHP-fpm" "php$PHP-cli" "php$PHP-opcache" "php$PHP-mysql" "php$PHP-mbstring"
    "php$PHP-xml" "php$PHP-gd" "php$PHP-curl" "php$PHP-intl" "php$PHP" php)
WP=(wordpress wordpress-theme-twentytwentyone wordpress-l10n)
install() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y --no-install-recommends "${missing[@]}" \
        || { apt-get update && apt-get install -y --no-install-recommends "${missing[@]}"; }
}
install "${STACK[@]}"
install "${WP[@]}"
if dpkg-query -W -f='${Status}' apache2 2>/dev/null | grep -q "install ok installed"; then
    echo "setup.sh: note: apache2 is installed; it is left alone (nginx serves WordPress)" >&2
fi

# --- database ---------------------------------------------------------------------------
$MYSQL <<SQL
CREATE DATABASE IF NOT EXISTS $DB_NAME CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci;
CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
ALTER USER '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
ALTER USER '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL PRIVILEGES ON $DB_NAME.* TO '$DB_USER'@'localhost';
GRANT ALL PRIVILEGES ON $DB_NAME.* TO '$DB_USER'@'127.0.0.1';
SQL

# --- wp-config (Debian's: /usr/share/wordpress/wp-config.php includes this file) ---------
if [ ! -s "$SALTS" ]; then
    {
        echo "<?php // made once by bench/wordpress/setup.sh"
        for key in AUTH_KEY SECURE_AUTH_KEY LOGGED_IN_KEY NONCE_KEY AUTH_SALT SECURE_AUTH_SALT \
            LOGGED_IN_SALT NONCE_SALT; do
            echo "define('$key', '$(head -c 48 /dev/urandom | base64 -w0 | tr -d "'\\\\")');"
        done
    } >"$SALTS"
fi
cat >"$CONFIG" <<PHP
<?php
// Written by bench/wordpress/setup.sh: the benchmark's WordPress (issue #6). Not for production.
define('DB_NAME', '$DB_NAME');
define('DB_USER', '$DB_USER');
define('DB_PASSWORD', '$DB_PASSWORD');
define('DB_HOST', '$DB_HOST');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
define('WP_HOME', 'http://127.0.0.1:$PORT');
define('WP_SITEURL', 'http://127.0.0.1:$PORT');
// Nothing slow that is not rendering: no WP-Cron spawned by page views, no HTTP to the
// outside (update checks, oEmbed discovery, Gravatar is only an <img> URL), no updater.
define('DISABLE_WP_CRON', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_AUTO_UPDATE_CORE', false);
define('WP_DEBUG', false);
define('WP_CACHE', false);  // no page cache (no cache plugin either)
define('WP_ALLOW_MULTISITE', false);
require '$SALTS';
\$table_prefix = 'wp_';
// Query count for the benchmark: with the request header "X-WPBench-Queries: 1", the page
// ends with <!-- wpbench-queries: N --> (wpdb's own count). Other requests: no hook at all.
if (!empty(\$_SERVER['HTTP_X_WPBENCH_QUERIES'])) {
    \$GLOBALS['wp_filter']['shutdown'][PHP_INT_MAX][] = array(
        'accepted_args' => 0,
        'function' => function () {
            echo "\n<!-- wpbench-queries: " . \$GLOBALS['wpdb']->num_queries . " -->\n";
        },
    );
}
PHP
chown root:www-data "$CONFIG" "$SALTS"
chmod 640 "$CONFIG" "$SALTS"

# --- PHP-FPM: opcache on, a static pool of its own -----------------------------------------
cat >"/etc/php/$PHP/fpm/conf.d/99-wpbench.ini" <<INI
; bench/wordpress/setup.sh: opcache as a typical production host has it (Debian's JIT off).
opcache.enable=1
opcache.memory_consumption=128
opcache.interned_strings_buffer=16
opcache.max_accelerated_files=10000
opcache.validate_timestamps=1
opcache.revalidate_freq=2
INI
cat >"$POOL" <<INI
; bench/wordpress/setup.sh: the benchmark's WordPress. pm = static, as many workers as
; gunicorn has in the benchmark (2 × cores + 1), so that both get the same concurrency.
[wpbench]
user = www-data
group = www-data
listen = $SOCKET
listen.owner = www-data
listen.group = www-data
listen.backlog = 511
pm = static
pm.max_children = $CHILDREN
pm.max_requests = 5000
php_admin_value[memory_limit] = 256M
INI

# --- nginx on 127.0.0.1:PORT only; the default site (port 80) off ---------------------------
cat >/etc/nginx/sites-available/wpbench <<NGINX
# bench/wordpress/setup.sh: the benchmark's WordPress, on the loopback interface only.
server {
    listen 127.0.0.1:$PORT;
    server_name _;
    root /usr/share/wordpress;
    index index.php;
    access_log off;  # as gunicorn in the benchmark (no access log)

    # Debian keeps themes, plugins and uploads in /var/lib/wordpress/wp-content.
    location ^~ /wp-content/ {
        alias /var/lib/wordpress/wp-content/;
        location ~ \.php\$ { return 403; }
    }
    location / {
        try_files \$uri \$uri/ /index.php?\$args;
    }
    location ~ \.php\$ {
        include snippets/fastcgi-php.conf;
        fastcgi_param WORDPRESS_CONFIG wpbench;
        fastcgi_pass unix:$SOCKET;
    }
}
NGINX
ln -sf /etc/nginx/sites-available/wpbench /etc/nginx/sites-enabled/wpbench
rm -f /etc/nginx/sites-enabled/default

# --- services (no systemd here: the init scripts through `service`) ------------------------
running() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
"php-fpm$PHP" -t 2>&1 | grep -v "^\s*$" | tail -1
if running "/run/php/php$PHP-fpm.pid"; then
    service "php$PHP-fpm" restart  # pool and ini changes: restart, not reload
else
    service "php$PHP-fpm" start
fi
nginx -t 2>&1 | tail -1
if running /run/nginx.pid; then service nginx reload; else service nginx start; fi
for _ in $(seq 50); do [ -S "$SOCKET" ] && break; sleep 0.1; done

# --- WordPress itself: installed once, its options set every time --------------------------
php "$HERE/install.php" --port="$PORT" --locale="$LOCALE"
echo "WordPress for the benchmark: http://127.0.0.1:$PORT/ (content: bench/wordpress/README.md)"
