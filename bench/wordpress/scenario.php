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

// --- terms ------------------------------------------------------------------------------
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

// --- pages in a hierarchy, with comments ------------------------------------------------
$about = scenario_post( array( 'post_type' => 'page', 'post_title' => 'Über uns', 'post_content' => 'Wir.' ) );
$team  = scenario_post(
	array( 'post_type' => 'page', 'post_title' => 'Team', 'post_parent' => $about, 'comment_status' => 'open' )
);

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
$medium = wp_get_attachment_image_src( $attachment, 'medium' )[0];
wp_update_post(
	array(
		'ID'           => $late,
		'post_content' => get_post( $late )->post_content . "\n\n[caption id=\"attachment_$attachment\" width=\"300\"]<img class=\"wp-image-$attachment\" src=\"$medium\" alt=\"Blaue Fläche\" width=\"300\" /> Auf der Bahn[/caption]",
	)
);

// --- comments: ten levels deep, every status, pings -------------------------------------
function scenario_comment( $post, $fields ) {
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
		)
	);
}

$parent = 0;
for ( $level = 1; $level <= 10; $level++ ) {
	$parent = scenario_comment(
		$late,
		array(
			'comment_parent'   => $parent,
			'comment_content'  => "Ebene $level.",
			'comment_date'     => sprintf( '2024-03-10 %02d:00:00', $level ),
			'comment_date_gmt' => sprintf( '2024-03-10 %02d:00:00', $level + 4 ),
		)
	);
}
scenario_comment( $late, array( 'comment_content' => 'Wartet.', 'comment_approved' => 0 ) );
scenario_comment( $late, array( 'comment_content' => 'Billige Uhren!', 'comment_approved' => 'spam' ) );
$gone = scenario_comment( $late, array( 'comment_content' => 'Gelöscht.', 'comment_approved' => 'trash' ) );
scenario_comment( $late, array( 'comment_content' => 'Antwort auf Gelöschtes.', 'comment_parent' => $gone ) );
scenario_comment( $late, array( 'comment_content' => 'Erwähnt bei …', 'comment_type' => 'pingback' ) );
scenario_comment( $late, array( 'comment_content' => 'Trackback', 'comment_type' => 'trackback' ) );
scenario_comment( $summer, array( 'comment_content' => 'Im Sommer.', 'user_id' => $author, 'comment_author' => 'Anna' ) );
scenario_comment( $team, array( 'comment_content' => 'Ein Kommentar auf einer Seite.' ) );
wp_update_comment_count_now( $late );

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
		'slug'          => $post->post_name,
		'date'          => $post->post_date,
		'date_gmt'      => $post->post_date_gmt,
		'modified_gmt'  => $post->post_modified_gmt,
		'guid'          => $post->guid,
		'parent'        => (int) $post->post_parent,
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
	);
}
// Every public URL WordPress answers for this content.
foreach ( array( $late, $summer, $sticky, $protected ) as $id ) {
	$facts['urls'][] = get_permalink( $id );
}
foreach ( array( $late, $summer, $sticky ) as $id ) {
	$facts['urls'][] = get_post_comments_feed_link( $id );
}
// WordPress answers it with the comments' text withheld; here it is a 404.
$facts['protected_feed'] = get_post_comments_feed_link( $protected );
$facts['urls'][] = get_permalink( $summer ) . '2/';
foreach ( array( $about, $team ) as $id ) {
	$facts['urls'][] = get_permalink( $id );
}
foreach ( array( $arbeit, $kunden, $grosse ) as $id ) {
	$facts['urls'][] = get_category_link( $id );
	$facts['urls'][] = get_category_feed_link( $id );
}
foreach ( get_tags() as $tag ) {
	$facts['urls'][] = get_tag_link( $tag );
}
$facts['urls'][] = get_author_posts_url( $author );
$facts['urls'][] = get_author_feed_link( $author );
$facts['urls'][] = get_year_link( 2024 );
$facts['urls'][] = get_month_link( 2024, 3 );
$facts['urls'][] = get_day_link( 2024, 3, 9 );
$facts['urls'][] = get_day_link( 2024, 7, 14 );
$facts['urls'][] = get_feed_link();
$facts['urls'][] = get_feed_link( 'atom' );
$facts['urls'][] = get_feed_link( 'comments_rss2' );
$facts['urls'][] = home_url( '/?p=' . $late );
$facts['urls'][] = home_url( '/?page_id=' . $team );
$facts['urls'][] = home_url( '/?attachment_id=' . $attachment );
$facts['urls'][] = get_attachment_link( $attachment );
$facts['urls'][] = wp_get_attachment_url( $attachment );
$facts['urls'][] = $medium;
$facts['urls'][] = home_url( '/wp-sitemap.xml' );
$facts['urls'][] = home_url( '/wp-sitemap-posts-post-1.xml' );
$facts['urls'][] = home_url( '/category/kunden/' );
$facts['urls'][] = home_url( '/team/' );
$facts['hidden'] = array( $draft, $pending, $private, $future, $trashed );
$facts['late']   = $late;
$facts['upload_dir'] = wp_upload_dir()['basedir'];

// Back to the benchmark's time zone (its content is loaded again by `make bench`).
update_option( 'timezone_string', 'Europe/Berlin' );
file_put_contents( $facts_path, wp_json_encode( $facts, JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES ) );
echo 'scenario: ' . count( $facts['posts'] ) . ' posts, ' . count( $facts['comments'] ) . " comments\n";
