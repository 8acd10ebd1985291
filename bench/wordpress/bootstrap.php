<?php
/**
 * Loads the benchmark's WordPress from the PHP command line (bench/wordpress/setup.sh
 * writes its configuration, /etc/wordpress/config-wpbench.php).
 *
 * Debian's wp-config.php picks the configuration by the request: WORDPRESS_CONFIG (nginx
 * passes "wpbench") or the host name. The command line has neither, so both are set here.
 */

if ( PHP_SAPI !== 'cli' ) {
	exit( 1 );
}

function wpbench_option( $name, $default ) {
	global $argv;
	foreach ( array_slice( $argv, 1 ) as $arg ) {
		if ( strpos( $arg, "--$name=" ) === 0 ) {
			return substr( $arg, strlen( $name ) + 3 );
		}
	}
	return $default;
}

$wpbench_port = getenv( 'WP_BENCH_PORT' ) ?: '8089';
$_SERVER['WORDPRESS_CONFIG'] = 'wpbench';
$_SERVER['HTTP_HOST']        = '127.0.0.1:' . $wpbench_port;
$_SERVER['SERVER_NAME']      = '127.0.0.1';
$_SERVER['SERVER_PORT']      = $wpbench_port;
$_SERVER['REQUEST_URI']      = '/';
$_SERVER['REQUEST_METHOD']   = 'GET';
$_SERVER['REMOTE_ADDR']      = '127.0.0.1';

require '/usr/share/wordpress/wp-load.php';
