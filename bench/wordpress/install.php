<?php
/**
 * Installs the benchmark's WordPress once and sets its options every time (issue #6):
 * `php bench/wordpress/install.php [--port=8089] [--locale=de_DE]`, run by setup.sh.
 *
 * What is set mirrors the blog: the classic theme twentytwentyone, permalinks with day and
 * name, threaded comments 5 deep, all comments on one page, 10 posts per page, German
 * dates, the sidebar widgets our sidebar has. The content comes from load.php.
 */

define( 'WP_INSTALLING', true );
require __DIR__ . '/bootstrap.php';
// No "your new site" e-mail (pluggable in upgrade.php; there is no MTA anyway).
function wp_new_blog_notification( $blog_title, $blog_url, $user_id, $password ) {}
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/translation-install.php';

$locale = wpbench_option( 'locale', 'de_DE' );
if ( 'en_US' === $locale ) {
	$locale = '';
}

if ( ! is_blog_installed() ) {
	// An administrator nobody logs in as: a random password, not printed.
	$result = wp_install( 'WordPress (Benchmark)', 'wpbench-admin', 'wpbench-admin@example.invalid', true, '', wp_generate_password( 32 ), $locale );
	echo "WordPress installed (user {$result['user_id']}).\n";
} else {
	// Tables of a newer schema after a package upgrade: what wp-admin/upgrade.php does.
	if ( (int) get_option( 'db_version' ) !== (int) $wp_db_version ) {
		wp_upgrade();
		echo "WordPress database upgraded.\n";
	}
}

$options = array(
	'WPLANG'                 => $locale,
	'timezone_string'        => 'Europe/Berlin',
	'gmt_offset'             => '',
	'date_format'            => 'j. F Y',
	'time_format'            => 'G:i',
	'start_of_week'          => 1,
	'blog_public'            => 1,
	'posts_per_page'         => 10,
	'posts_per_rss'          => 10,
	'show_on_front'          => 'posts',
	// Comments as the blog has them: threaded 5 deep, all on one page, oldest first.
	'thread_comments'        => 1,
	'thread_comments_depth'  => 5,
	'page_comments'          => 0,
	'comment_order'          => 'asc',
	'default_comments_page'  => 'newest',
	'default_comment_status' => 'open',
	'default_ping_status'    => 'closed',
	'default_pingback_flag'  => 0,
	'require_name_email'     => 1,
	'comment_registration'   => 0,
	'comment_moderation'     => 0,
	'show_avatars'           => 1, // WordPress's default: Gravatar <img> URLs, no request
	'use_smilies'            => 1,
	'close_comments_for_old_posts' => 0,
	'uploads_use_yearmonth_folders' => 1,
);
foreach ( $options as $name => $value ) {
	update_option( $name, $value );
}

// The classic theme from Debian's wordpress-theme-twentytwentyone (no block theme).
$theme = wp_get_theme( 'twentytwentyone' );
if ( ! $theme->exists() ) {
	fwrite( STDERR, "theme twentytwentyone missing: apt-get install wordpress-theme-twentytwentyone\n" );
	exit( 1 );
}
if ( get_stylesheet() !== 'twentytwentyone' ) {
	switch_theme( 'twentytwentyone' );
}
// The home page lists summaries, as ours (the theme's default; set to be explicit).
set_theme_mod( 'display_excerpt_or_full_post', 'excerpt' );

// Permalinks with day and name, as ours: /2026/11/20/hartes-training/.
global $wp_rewrite;
$wp_rewrite->set_permalink_structure( '/%year%/%monthnum%/%day%/%postname%/' );
$wp_rewrite->set_category_base( '' );
$wp_rewrite->set_tag_base( '' );
// The taxonomies add their rules (/category/…, /tag/…) only when registered with
// permalinks on: register them again now that they are, then write the rules.
create_initial_taxonomies();
flush_rewrite_rules( false ); // nginx needs no .htaccess

// The sidebar as ours: search, 5 recent posts, 5 recent comments, archives and categories
// with counts, the tag cloud, the blogroll (its links are content: load.php fills it in).
// Classic widgets in the theme's one widget area (twentytwentyone shows it in the footer).
$widgets = array(
	'search'          => array( 'title' => '' ),
	'recent-posts'    => array( 'title' => '', 'number' => 5, 'show_date' => false ),
	'recent-comments' => array( 'title' => '', 'number' => 5 ),
	'archives'        => array( 'title' => '', 'count' => 1, 'dropdown' => 0 ),
	'categories'      => array( 'title' => '', 'count' => 1, 'hierarchical' => 1, 'dropdown' => 0 ),
	'tag_cloud'       => array( 'title' => '', 'count' => 0, 'taxonomy' => 'post_tag' ),
);
$sidebar = array();
foreach ( $widgets as $base => $settings ) {
	update_option( "widget_$base", array( 2 => $settings, '_multiwidget' => 1 ) );
	$sidebar[] = "$base-2";
}
$blogroll = get_option( 'widget_custom_html' );
if ( ! is_array( $blogroll ) || empty( $blogroll[2] ) ) {
	update_option( 'widget_custom_html', array( 2 => array( 'title' => 'Blogroll', 'content' => '' ), '_multiwidget' => 1 ) );
}
$sidebar[] = 'custom_html-2';
update_option( 'widget_block', array( '_multiwidget' => 1 ) );
update_option(
	'sidebars_widgets',
	array(
		'wp_inactive_widgets' => array(),
		'sidebar-1'           => $sidebar,
		'array_version'       => 3,
	)
);

printf(
	"WordPress %s, PHP %s, theme %s %s, locale %s, permalinks %s\n",
	$GLOBALS['wp_version'],
	PHP_VERSION,
	wp_get_theme()->get( 'Name' ),
	wp_get_theme()->get( 'Version' ),
	get_locale(),
	get_option( 'permalink_structure' )
);
