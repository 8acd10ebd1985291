<?php
/**
 * Fills the benchmark's WordPress with the benchmark's content (issue #6):
 * `php bench/wordpress/load.php [bench/out/wordpress.json]` (the JSON: bench/wordpress/dump.py).
 *
 * Empties the content first (posts, pages, comments, terms, menus, authors other than the
 * administrator; the tables' counters start again at 1), so running it twice gives the
 * same site. Posts keep our rendered HTML as post_content; comments keep their raw text,
 * as WordPress stores a comment, and their threading; the post's author's replies are
 * written as that WordPress user (the theme marks them "bypostauthor").
 */

require __DIR__ . '/bootstrap.php';
require_once ABSPATH . 'wp-admin/includes/user.php';
require_once ABSPATH . 'wp-admin/includes/nav-menu.php';

$path = $argv[1] ?? dirname( __DIR__ ) . '/out/wordpress.json';
$data = json_decode( file_get_contents( $path ), true, 512, JSON_THROW_ON_ERROR );
$started = microtime( true );

global $wpdb;

// As an importer does: store the HTML as it is, no pings, counts once at the end.
kses_remove_filters();
remove_action( 'publish_post', '_publish_post_hook', 5 );
remove_action( 'publish_page', '_publish_post_hook', 5 );
wp_defer_term_counting( true );
wp_defer_comment_counting( true );

// --- empty ------------------------------------------------------------------------------
foreach ( array( 'posts', 'postmeta', 'comments', 'commentmeta', 'terms', 'term_taxonomy', 'term_relationships', 'termmeta' ) as $table ) {
	$wpdb->query( "TRUNCATE TABLE {$wpdb->$table}" );
}
$wpdb->query( "DELETE FROM {$wpdb->options} WHERE option_name LIKE '\\_transient\\_%' OR option_name LIKE '\\_site\\_transient\\_%'" );
foreach ( array( 'category_children', 'sticky_posts' ) as $option ) {
	delete_option( $option );
}
update_option( 'sticky_posts', array() );
update_option( 'cron', array( 'version' => 2 ) ); // nothing scheduled from earlier runs
wp_cache_flush();

$logins = array_column( $data['authors'], 'login' );
foreach ( get_users( array( 'fields' => array( 'ID', 'user_login' ) ) ) as $user ) {
	if ( 'wpbench-admin' !== $user->user_login && ! in_array( $user->user_login, $logins, true ) ) {
		wp_delete_user( $user->ID );
	}
}

// --- site -----------------------------------------------------------------------------
$site = $data['site'];
update_option( 'blogname', $site['title'] );
update_option( 'blogdescription', $site['tagline'] );
update_option( 'posts_per_page', (int) $site['posts_per_page'] );
if ( ! empty( $site['time_zone'] ) ) {
	update_option( 'timezone_string', $site['time_zone'] );
}

// --- authors ----------------------------------------------------------------------------
$users = array();
foreach ( $data['authors'] as $author ) {
	$fields = array(
		'user_login'   => $author['login'],
		'user_email'   => $author['email'],
		'first_name'   => $author['first_name'],
		'last_name'    => $author['last_name'],
		'display_name' => $author['display_name'],
		'nickname'     => $author['display_name'],
		'role'         => 'editor',
	);
	$existing = get_user_by( 'login', $author['login'] );
	if ( $existing ) {
		$fields['ID'] = $existing->ID;
		$id           = wp_update_user( $fields );
	} else {
		$fields['user_pass'] = wp_generate_password( 32 );
		$id                  = wp_insert_user( $fields );
	}
	if ( is_wp_error( $id ) ) {
		fwrite( STDERR, "author {$author['login']}: " . $id->get_error_message() . "\n" );
		exit( 1 );
	}
	$users[ $author['id'] ] = $id;
}
$first_author = reset( $users );

// --- terms ------------------------------------------------------------------------------
function wpbench_term( $name, $taxonomy, $args ) {
	$term = wp_insert_term( $name, $taxonomy, $args );
	if ( is_wp_error( $term ) ) {
		fwrite( STDERR, "$taxonomy $name: " . $term->get_error_message() . "\n" );
		exit( 1 );
	}
	return (int) $term['term_id'];
}
// WordPress needs a default category; ours has none, so it stays empty (and hidden).
update_option( 'default_category', wpbench_term( 'Allgemein', 'category', array( 'slug' => 'allgemein' ) ) );
$categories = array();
foreach ( $data['categories'] as $category ) { // parents come first
	$categories[ $category['id'] ] = wpbench_term(
		$category['name'],
		'category',
		array(
			'slug'        => $category['slug'],
			'parent'      => $category['parent'] ? $categories[ $category['parent'] ] : 0,
			'description' => $category['description'],
		)
	);
}
$tags = array();
foreach ( $data['tags'] as $tag ) {
	$tags[ $tag['id'] ] = wpbench_term( $tag['name'], 'post_tag', array( 'slug' => $tag['slug'] ) );
}

// --- pages and posts --------------------------------------------------------------------
function wpbench_insert( $fields ) {
	$id = wp_insert_post( wp_slash( $fields ), true );
	if ( is_wp_error( $id ) ) {
		fwrite( STDERR, "{$fields['post_type']} {$fields['post_name']}: " . $id->get_error_message() . "\n" );
		exit( 1 );
	}
	return $id;
}

$now   = gmdate( 'Y-m-d H:i:s' );
$pages = array();
foreach ( $data['pages'] as $page ) {
	$pages[ $page['id'] ] = wpbench_insert(
		array(
			'post_type'      => 'page',
			'post_title'     => $page['title'],
			'post_name'      => $page['slug'],
			'post_content'   => $page['content'],
			'post_status'    => $page['status'],
			'post_parent'    => $page['parent'] ? $pages[ $page['parent'] ] : 0,
			'menu_order'     => $page['menu_order'],
			'post_author'    => $first_author,
			'comment_status' => 'closed', // our pages take no comments
			'ping_status'    => 'closed',
		)
	);
}

$posts = array();
foreach ( $data['posts'] as $post ) {
	if ( ! $post['published'] ) {
		$status = 'draft';
	} elseif ( $post['date_gmt'] > $now ) {
		$status = 'future';
	} elseif ( 'private' === $post['visibility'] ) {
		$status = 'private';
	} else {
		$status = 'publish';
	}
	$id              = wpbench_insert(
		array(
			'post_type'      => 'post',
			'post_title'     => $post['title'],
			'post_name'      => $post['slug'],
			'post_content'   => $post['content'],
			'post_excerpt'   => $post['excerpt'],
			'post_status'    => $status,
			'post_password'  => 'password' === $post['visibility'] ? $post['password'] : '',
			'post_author'    => $users[ $post['author'] ],
			'post_date'      => get_date_from_gmt( $post['date_gmt'] ),
			'post_date_gmt'  => $post['date_gmt'],
			'comment_status' => $post['comments_open'] ? 'open' : 'closed',
			'ping_status'    => 'closed',
			'post_category'  => array_map( fn( $c ) => $categories[ $c ], $post['categories'] ),
		)
	);
	$posts[ $post['id'] ] = $id;
	if ( $post['tags'] ) {
		wp_set_post_terms( $id, array_map( fn( $t ) => $tags[ $t ], $post['tags'] ), 'post_tag' );
	}
	if ( $post['sticky'] ) {
		stick_post( $id );
	}
}

// --- comments, threaded -------------------------------------------------------------------
$comments = array();
$orphans  = array();
foreach ( $data['comments'] as $comment ) {
	$user   = $comment['user'] ? get_userdata( $users[ $comment['user'] ] ) : null;
	$parent = $comment['parent'];
	$id     = wp_insert_comment(
		wp_slash(
			array(
				'comment_post_ID'      => $posts[ $comment['post'] ],
				'comment_parent'       => $parent && isset( $comments[ $parent ] ) ? $comments[ $parent ] : 0,
				'comment_author'       => $user ? $user->display_name : $comment['author'],
				'comment_author_email' => $user ? $user->user_email : $comment['email'],
				'comment_author_url'   => $comment['url'],
				'comment_author_IP'    => $comment['ip'],
				'comment_agent'        => $comment['agent'],
				'comment_content'      => $comment['content'],
				'comment_date'         => get_date_from_gmt( $comment['date_gmt'] ),
				'comment_date_gmt'     => $comment['date_gmt'],
				'comment_approved'     => $comment['status'],
				'comment_type'         => 'comment',
				'user_id'              => $user ? $user->ID : 0,
			)
		)
	);
	if ( ! $id ) {
		fwrite( STDERR, "comment {$comment['id']}: not inserted ({$wpdb->last_error})\n" );
		exit( 1 );
	}
	$comments[ $comment['id'] ] = $id;
	if ( $parent && ! isset( $comments[ $parent ] ) ) {
		$orphans[ $id ] = $parent; // a reply stored before its parent: linked below
	}
}
foreach ( $orphans as $id => $parent ) {
	$wpdb->update( $wpdb->comments, array( 'comment_parent' => $comments[ $parent ] ?? 0 ), array( 'comment_ID' => $id ) );
}

// --- menus, privacy page, blogroll --------------------------------------------------------
function wpbench_menu( $name, $page_ids ) {
	$menu = wp_create_nav_menu( $name );
	foreach ( $page_ids as $position => $page_id ) {
		wp_update_nav_menu_item(
			$menu,
			0,
			array(
				'menu-item-object-id' => $page_id,
				'menu-item-object'    => 'page',
				'menu-item-type'      => 'post_type',
				'menu-item-status'    => 'publish',
				'menu-item-position'  => $position + 1,
			)
		);
	}
	return $menu;
}
$navigation = array();
foreach ( $data['pages'] as $page ) {
	if ( $page['in_navigation'] && ! $page['parent'] && 'publish' === $page['status'] ) {
		$navigation[ $page['menu_order'] * 100000 + $page['id'] ] = $pages[ $page['id'] ];
	}
}
ksort( $navigation );
$legal = array();
foreach ( array( 'imprint_page', 'privacy_page' ) as $key ) {
	if ( ! empty( $site[ $key ] ) ) {
		$legal[] = $pages[ $site[ $key ] ];
	}
}
set_theme_mod(
	'nav_menu_locations',
	array(
		'primary' => wpbench_menu( 'Navigation', array_values( $navigation ) ),
		'footer'  => wpbench_menu( 'Rechtliches', $legal ),
	)
);
update_option( 'wp_page_for_privacy_policy', ! empty( $site['privacy_page'] ) ? $pages[ $site['privacy_page'] ] : 0 );
$links = '';
foreach ( $data['links'] as $link ) {
	$links .= '<li><a href="' . esc_url( $link['url'] ) . '">' . esc_html( $link['name'] ) . '</a></li>';
}
update_option(
	'widget_custom_html',
	array(
		2              => array(
			'title'   => 'Blogroll',
			'content' => $links ? "<ul>$links</ul>" : '',
		),
		'_multiwidget' => 1,
	)
);

// --- counts -------------------------------------------------------------------------------
wp_defer_term_counting( false );
wp_defer_comment_counting( false );
foreach ( $posts as $id ) {
	wp_update_comment_count_now( $id );
}
foreach ( array( 'category', 'post_tag' ) as $taxonomy ) {
	$ids = get_terms(
		array(
			'taxonomy'   => $taxonomy,
			'hide_empty' => false,
			'fields'     => 'tt_ids',
		)
	);
	wp_update_term_count_now( $ids, $taxonomy );
}
delete_option( 'category_children' );
wp_cache_flush();

$wrong = array();
foreach ( $data['posts'] as $post ) {
	$count = (int) get_post_field( 'comment_count', $posts[ $post['id'] ] );
	if ( $count !== (int) $post['comment_count'] ) {
		$wrong[] = "{$post['slug']}: $count comments, expected {$post['comment_count']}";
	}
}
if ( $wrong ) {
	fwrite( STDERR, implode( "\n", $wrong ) . "\n" );
	exit( 1 );
}
printf(
	"WordPress content loaded in %.1f s: %d posts, %d pages, %d comments, %d categories, %d tags\n",
	microtime( true ) - $started,
	count( $posts ),
	count( $pages ),
	count( $comments ),
	count( $categories ),
	count( $tags )
);
