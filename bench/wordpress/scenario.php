<?php
/**
 * The real-WordPress import scenario (issue #13): `php bench/wordpress/scenario.php
 * EXPORT.xml FACTS.json`.
 *
 * Empties the benchmark's WordPress (as load.php does; `make bench` loads its own content
 * again), creates content through WordPress's own PHP API in a site time zone that is
 * not this blog's (America/New_York), exports it with WordPress's own exporter
 * (export_wp(), "Alle Inhalte") to EXPORT.xml, and writes what WordPress's database and
 * its URL functions say to FACTS.json, for tests/wordpress/test_real_wordpress.py to
 * compare the import with, item by item.
 */

require __DIR__ . '/bootstrap.php';
require_once ABSPATH . 'wp-admin/includes/user.php';
require_once ABSPATH . 'wp-admin/includes/image.php';
require_once ABSPATH . 'wp-admin/includes/export.php';

$export_path = $argv[1] ?? '/tmp/wp-scenario.xml';
$facts_path  = $argv[2] ?? '/tmp/wp-scenario.json';

global $wpdb;
remove_action( 'publish_post', '_publish_post_hook', 5 );
remove_action( 'publish_page', '_publish_post_hook', 5 );

// --- empty ------------------------------------------------------------------------------
foreach ( array( 'posts', 'postmeta', 'comments', 'commentmeta', 'terms', 'term_taxonomy', 'term_relationships', 'termmeta' ) as $table ) {
	$wpdb->query( "TRUNCATE TABLE {$wpdb->$table}" );
}
delete_option( 'category_children' );
update_option( 'sticky_posts', array() );
update_option( 'cron', array( 'version' => 2 ) );
foreach ( get_users( array( 'fields' => array( 'ID', 'user_login' ) ) ) as $user ) {
	if ( 'wpbench-admin' !== $user->user_login ) {
		wp_delete_user( $user->ID );
	}
}
wp_cache_flush();

// --- site -------------------------------------------------------------------------------
update_option( 'timezone_string', 'America/New_York' );
update_option( 'gmt_offset', '' );
update_option( 'blogname', 'Szenario-Blog' );
update_option( 'blogdescription', 'Alles, was WordPress kann' );
update_option( 'permalink_structure', '/%year%/%monthnum%/%day%/%postname%/' );
update_option( 'thread_comments', 1 );
update_option( 'thread_comments_depth', 10 );
flush_rewrite_rules( false );

$author = wp_insert_user(
	array(
		'user_login'   => 'anna',
		'user_email'   => 'anna@example.org',
		'user_pass'    => wp_generate_password( 32 ),
		'display_name' => 'Anna Müller-Lüdenscheidt',
		'first_name'   => 'Anna',
		'last_name'    => 'Müller-Lüdenscheidt',
		'role'         => 'author',
	)
);

// Posts without an author of their own are the administrator's, as in wp-admin.
wp_set_current_user( get_user_by( 'login', 'wpbench-admin' )->ID );

// --- terms ------------------------------------------------------------------------------
$allgemein = wp_insert_term( 'Allgemein', 'category', array( 'slug' => 'allgemein' ) )['term_id'];
update_option( 'default_category', $allgemein );
$arbeit  = wp_insert_term( 'Arbeit', 'category', array( 'slug' => 'arbeit' ) )['term_id'];
$kunden  = wp_insert_term( 'Kunden & Partner', 'category', array( 'slug' => 'kunden', 'parent' => $arbeit ) )['term_id'];
$grosse  = wp_insert_term( 'Große Projekte', 'category', array( 'parent' => $kunden ) )['term_id'];
$tags    = array( 'Straße', 'Übung', 'Ärger im Büro' );

// --- posts in every status -------------------------------------------------------------
function scenario_post( $fields ) {
	$id = wp_insert_post( $fields + array( 'post_type' => 'post', 'post_status' => 'publish' ), true );
	if ( is_wp_error( $id ) ) {
		fwrite( STDERR, $id->get_error_message() . "\n" );
		exit( 1 );
	}
	return $id;
}

$late = scenario_post(
	array(
		'post_title'   => 'Spät am Abend',
		'post_author'  => $author,
		'post_date'    => '2024-03-09 23:30:00', // New York; 04:30 UTC the next day
		'post_content' => "Erster Absatz.\n\nZweiter Absatz.<!--more-->\n\nNach dem Weiterlesen.",
	)
);
wp_set_object_terms( $late, array( $grosse ), 'category' );
wp_set_object_terms( $late, $tags, 'post_tag' );

$summer = scenario_post(
	array(
		'post_title'   => 'Sommerzeit kurz vor Mitternacht',
		'post_author'  => $author,
		'post_date'    => '2024-07-14 23:50:00',
		'post_content' => "Seite eins.<!--nextpage-->Seite zwei.\n\n[gallery ids=\"\"]\n\n[unbekannt x=\"1\"]",
	)
);
wp_set_object_terms( $summer, array( $kunden ), 'category' );

$sticky = scenario_post( array( 'post_title' => 'Oben angeheftet', 'post_date' => '2024-01-02 10:00:00' ) );
stick_post( $sticky );
$protected = scenario_post(
	array( 'post_title' => 'Mit Passwort', 'post_password' => 'sesam', 'post_date' => '2024-02-02 12:00:00' )
);
$private   = scenario_post( array( 'post_title' => 'Nur für mich', 'post_status' => 'private', 'post_date' => '2024-02-03 12:00:00' ) );
$draft     = scenario_post( array( 'post_title' => 'Ein Entwurf', 'post_status' => 'draft' ) );
$pending   = scenario_post( array( 'post_title' => 'Zur Durchsicht', 'post_status' => 'pending' ) );
$future    = scenario_post( array( 'post_title' => 'Geplant', 'post_status' => 'future', 'post_date' => '2099-05-05 08:00:00' ) );
$trashed   = scenario_post( array( 'post_title' => 'Weggeworfen', 'post_date' => '2024-02-04 12:00:00' ) );
wp_trash_post( $trashed );
// New Year's Eve in New York is New Year's Day in UTC (and here): the year, month and
// day of its address are WordPress's local ones.
$silvester = scenario_post(
	array(
		'post_title'   => 'Silvester um Viertel vor zwölf',
		'post_author'  => $author,
		'post_date'    => '2024-12-31 23:45:00',
		'post_content' => 'Prost „Neujahr“!',
	)
);
wp_set_object_terms( $silvester, array( $arbeit ), 'category' );
wp_set_object_terms( $silvester, array( 'Straße' ), 'post_tag' );

// --- pages in a hierarchy, with comments ------------------------------------------------
$about = scenario_post( array( 'post_type' => 'page', 'post_title' => 'Über uns', 'post_content' => 'Wir.' ) );
$team  = scenario_post(
	array( 'post_type' => 'page', 'post_title' => 'Team', 'post_parent' => $about, 'comment_status' => 'open' )
);
$history = scenario_post(
	array( 'post_type' => 'page', 'post_title' => 'Geschichte', 'post_parent' => $team, 'post_content' => 'Seit 2010.' )
);
$page_draft   = scenario_post( array( 'post_type' => 'page', 'post_title' => 'Seitenentwurf', 'post_status' => 'draft' ) );
$page_private = scenario_post( array( 'post_type' => 'page', 'post_title' => 'Interne Seite', 'post_status' => 'private' ) );

// --- an image with its sizes ------------------------------------------------------------
$upload = wp_upload_dir( '2024/03' );
wp_mkdir_p( $upload['path'] );
$file  = $upload['path'] . '/laufbahn.jpg';
$image = imagecreatetruecolor( 1600, 1200 );
imagefill( $image, 0, 0, imagecolorallocate( $image, 46, 134, 193 ) );
imagejpeg( $image, $file );
$attachment = wp_insert_attachment(
	array(
		'post_title'     => 'Laufbahn',
		'post_mime_type' => 'image/jpeg',
		'post_excerpt'   => 'Auf der Bahn',
		'post_status'    => 'inherit',
	),
	$file,
	$late
);
wp_update_attachment_metadata( $attachment, wp_generate_attachment_metadata( $attachment, $file ) );
update_post_meta( $attachment, '_wp_attachment_image_alt', 'Blaue Fläche' );
set_post_thumbnail( $late, $attachment );
wp_update_post(
	array(
		'ID'           => $summer,
		'post_content' => get_post( $summer )->post_content . "\n\n[gallery ids=\"$attachment\" size=\"thumbnail\"]",
	)
);
$medium = wp_get_attachment_image_src( $attachment, 'medium' )[0];
wp_update_post(
	array(
		'ID'           => $late,
		'post_content' => get_post( $late )->post_content . "\n\n[caption id=\"attachment_$attachment\" width=\"300\"]<img class=\"wp-image-$attachment\" src=\"$medium\" alt=\"Blaue Fläche\" width=\"300\" /> Auf der Bahn[/caption]",
	)
);

// --- comments: ten levels deep, every status, pings -------------------------------------
// Each comment a minute after the one before (New York time and its UTC twin), so that
// feeds of the newest comments have one order.
$scenario_minute = 0;
function scenario_comment( $post, $fields ) {
	global $scenario_minute;
	$scenario_minute++;
	$when = strtotime( '2024-03-10 20:00:00 UTC' ) + 60 * $scenario_minute;
	return wp_insert_comment(
		$fields + array(
			'comment_post_ID'      => $post,
			'comment_author'       => 'Leserin',
			'comment_author_email' => 'leserin@example.net',
			'comment_author_url'   => 'https://leserin.example.net',
			'comment_author_IP'    => '192.0.2.7',
			'comment_content'      => 'Ein Kommentar.',
			'comment_approved'     => 1,
			'comment_type'         => 'comment',
			'comment_date'         => wp_date( 'Y-m-d H:i:s', $when ),
			'comment_date_gmt'     => gmdate( 'Y-m-d H:i:s', $when ),
		)
	);
}
function scenario_ping( $post, $type, $fields = array() ) {
	return scenario_comment(
		$post,
		$fields + array(
			'comment_type'         => $type,
			'comment_author'       => 'Laufblog » Intervalle im März',
			'comment_author_email' => '',
			'comment_author_url'   => 'https://laufblog.example/2024/03/intervalle/',
			'comment_content'      => '[…] wie im Szenario-Blog zu lesen ist […]',
		)
	);
}

// Ten levels of approved replies; beside them, in the thread, a held reply (level 4), a
// spam reply (level 6) with an answer, a trashed reply (level 8) with an answer.
$levels = array( 0 );
for ( $level = 1; $level <= 10; $level++ ) {
	$levels[ $level ] = scenario_comment(
		$late,
		array( 'comment_parent' => $levels[ $level - 1 ], 'comment_content' => "Ebene $level." )
	);
}
scenario_comment( $late, array( 'comment_parent' => $levels[3], 'comment_content' => 'Wartet auf Ebene 4.', 'comment_approved' => 0 ) );
$spam_reply = scenario_comment( $late, array( 'comment_parent' => $levels[5], 'comment_content' => 'Werbung auf Ebene 6.', 'comment_approved' => 'spam' ) );
scenario_comment( $late, array( 'comment_parent' => $spam_reply, 'comment_content' => 'Antwort auf Werbung.' ) );
$trash_reply = scenario_comment( $late, array( 'comment_parent' => $levels[7], 'comment_content' => 'Gelöscht auf Ebene 8.' ) );
scenario_comment( $late, array( 'comment_parent' => $trash_reply, 'comment_content' => 'Antwort auf Gelöschtes.' ) );
wp_trash_comment( $trash_reply );
scenario_comment( $late, array( 'comment_content' => 'Wartet.', 'comment_approved' => 0 ) );
scenario_comment( $late, array( 'comment_content' => 'Billige Uhren!', 'comment_approved' => 'spam' ) );
$gone = scenario_comment( $late, array( 'comment_content' => 'Gelöscht.' ) );
scenario_comment( $late, array( 'comment_content' => 'Antwort auf Gelöschtes oben.', 'comment_parent' => $gone ) );
wp_trash_comment( $gone );
// Pingbacks and trackbacks in every status, on a post and on a page.
scenario_ping( $late, 'pingback' );
scenario_ping( $late, 'trackback', array( 'comment_author' => 'Büro-Notizen', 'comment_author_url' => 'https://notizen.example/buero/' ) );
scenario_ping( $late, 'pingback', array( 'comment_author' => 'Wartendes Blog', 'comment_author_url' => 'https://wartet.example/', 'comment_approved' => 0 ) );
scenario_ping( $late, 'trackback', array( 'comment_author' => 'Uhren-Shop', 'comment_author_url' => 'https://uhren.example/', 'comment_approved' => 'spam' ) );
scenario_ping( $about, 'pingback', array( 'comment_author' => 'Vereinsseite', 'comment_author_url' => 'https://verein.example/partner/' ) );
scenario_comment( $summer, array( 'comment_content' => 'Im Sommer.', 'user_id' => $author, 'comment_author' => 'Anna' ) );
scenario_comment( $silvester, array( 'comment_content' => 'Frohes neues Jahr!' ) );
// Comments on pages: a thread on the sub-page, a held one on its parent.
$on_page = scenario_comment( $team, array( 'comment_content' => 'Ein Kommentar auf einer Seite.' ) );
scenario_comment( $team, array( 'comment_content' => 'Eine Antwort auf der Seite.', 'comment_parent' => $on_page ) );
scenario_comment( $about, array( 'comment_content' => 'Wartet auf der Seite.', 'comment_approved' => 0 ) );
foreach ( array( $late, $summer, $silvester, $team, $about ) as $id ) {
	wp_update_comment_count_now( $id );
}

// --- export, as Tools → Export writes it ------------------------------------------------
ob_start();
export_wp( array( 'content' => 'all' ) );
file_put_contents( $export_path, ob_get_clean() );

// --- what WordPress says ------------------------------------------------------------------
$facts = array( 'posts' => array(), 'comments' => array(), 'urls' => array() );
foreach ( $wpdb->get_results( "SELECT * FROM {$wpdb->posts} ORDER BY ID" ) as $post ) {
	$facts['posts'][] = array(
		'id'            => (int) $post->ID,
		'type'          => $post->post_type,
		'status'        => $post->post_status,
		'title'         => $post->post_title,
		'slug'          => $post->post_name,
		'author_login'  => $post->post_author ? get_userdata( $post->post_author )->user_login : '',
		'date'          => $post->post_date,
		'date_gmt'      => $post->post_date_gmt,
		'modified_gmt'  => $post->post_modified_gmt,
		'guid'          => $post->guid,
		'parent'        => (int) $post->post_parent,
		'comment_status' => $post->comment_status,
		'comment_count' => (int) $post->comment_count,
		'sticky'        => is_sticky( $post->ID ),
		'password'      => $post->post_password,
		'permalink'     => get_permalink( $post ),
	);
}
foreach ( $wpdb->get_results( "SELECT * FROM {$wpdb->comments} ORDER BY comment_ID" ) as $comment ) {
	$facts['comments'][] = array(
		'id'       => (int) $comment->comment_ID,
		'post'     => (int) $comment->comment_post_ID,
		'parent'   => (int) $comment->comment_parent,
		'approved' => $comment->comment_approved,
		'type'     => $comment->comment_type,
		'author'   => $comment->comment_author,
		'url'      => $comment->comment_author_url,
		'date_gmt' => $comment->comment_date_gmt,
		'user'     => (int) $comment->user_id,
	);
}
$facts['exported_comments'] = (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->comments} WHERE comment_approved <> 'spam'" );
foreach ( get_terms( array( 'taxonomy' => array( 'category', 'post_tag' ), 'hide_empty' => false ) ) as $term ) {
	$facts['terms'][] = array(
		'taxonomy' => $term->taxonomy,
		'name'     => html_entity_decode( $term->name, ENT_QUOTES, 'UTF-8' ),
		'slug'     => urldecode( $term->slug ),
		'parent'   => $term->parent ? get_term( $term->parent )->slug : '',
		'count'    => (int) $term->count,
	);
}
$facts['author'] = array(
	'login'        => 'anna',
	'display_name' => get_userdata( $author )->display_name,
	'posts'        => (int) count_user_posts( $author ),
);

// Every public URL WordPress answers for this content, with what it is: the test asks
// WordPress and this blog for each and compares what they show.
function scenario_url( $url, $kind ) {
	global $facts;
	$facts['urls'][] = array( 'url' => $url, 'kind' => $kind );
}
foreach ( array( $late, $summer, $sticky, $protected, $silvester ) as $id ) {
	scenario_url( get_permalink( $id ), 'single' );
	scenario_url( home_url( '/?p=' . $id ), 'single' );
}
foreach ( array( $late, $summer, $sticky, $silvester ) as $id ) {
	scenario_url( get_post_comments_feed_link( $id ), 'comment-feed' );
}
// WordPress answers it with the comments' text withheld; here it is a 404.
$facts['protected_feed'] = get_post_comments_feed_link( $protected );
scenario_url( get_permalink( $summer ) . '2/', 'single' );
foreach ( array( $about, $team, $history ) as $id ) {
	scenario_url( get_permalink( $id ), 'single' );
	scenario_url( home_url( '/?page_id=' . $id ), 'single' );
}
scenario_url( get_post_comments_feed_link( $team ), 'comment-feed' );
foreach ( array( $arbeit, $kunden, $grosse ) as $id ) {
	scenario_url( get_category_link( $id ), 'archive' );
	scenario_url( get_category_feed_link( $id ), 'feed' );
}
foreach ( get_tags() as $tag ) {
	scenario_url( get_tag_link( $tag ), 'archive' );
	scenario_url( get_tag_feed_link( $tag ), 'feed' );
}
scenario_url( home_url( '/' ), 'archive' );
scenario_url( get_author_posts_url( $author ), 'archive' );
scenario_url( get_author_feed_link( $author ), 'feed' );
scenario_url( get_year_link( 2024 ), 'archive' );
scenario_url( get_month_link( 2024, 3 ), 'archive' );
scenario_url( get_month_link( 2024, 12 ), 'archive' );
scenario_url( get_day_link( 2024, 3, 9 ), 'archive' );
scenario_url( get_day_link( 2024, 7, 14 ), 'archive' );
scenario_url( get_day_link( 2024, 12, 31 ), 'archive' );
scenario_url( get_feed_link(), 'feed' );
scenario_url( get_feed_link( 'atom' ), 'feed' );
scenario_url( get_feed_link( 'comments_rss2' ), 'comment-feed' );
scenario_url( home_url( '/?attachment_id=' . $attachment ), 'attachment' );
scenario_url( get_attachment_link( $attachment ), 'attachment' );
$facts['image_sizes'] = array();
foreach ( array_merge( array( 'full' ), array_keys( wp_get_attachment_metadata( $attachment )['sizes'] ) ) as $size ) {
	$src = wp_get_attachment_image_src( $attachment, $size );
	$facts['image_sizes'][ $size ] = array( $src[1], $src[2] );
	scenario_url( $src[0], 'file' );
}
scenario_url( home_url( '/wp-sitemap.xml' ), 'sitemap' );
scenario_url( home_url( '/wp-sitemap-posts-post-1.xml' ), 'sitemap' );
scenario_url( home_url( '/wp-sitemap-posts-page-1.xml' ), 'sitemap' );
scenario_url( home_url( '/wp-sitemap-taxonomies-category-1.xml' ), 'sitemap' );
// Short forms WordPress sends on (redirect_canonical, redirect_guess_404_permalink).
scenario_url( home_url( '/category/kunden/' ), 'archive' );
scenario_url( home_url( '/team/' ), 'single' );
scenario_url( home_url( '/geschichte/' ), 'single' );
$facts['hidden'] = array( $draft, $pending, $private, $future, $trashed );
$facts['hidden_pages'] = array( $page_draft, $page_private );
$facts['late']   = $late;
$facts['team']   = $team;
$facts['attachment'] = $attachment;
$facts['upload_dir'] = wp_upload_dir()['basedir'];

// Back to the benchmark's time zone (its content is loaded again by `make bench`).
update_option( 'timezone_string', 'Europe/Berlin' );
file_put_contents( $facts_path, wp_json_encode( $facts, JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES ) );
echo 'scenario: ' . count( $facts['posts'] ) . ' posts, ' . count( $facts['comments'] ) . " comments\n";
