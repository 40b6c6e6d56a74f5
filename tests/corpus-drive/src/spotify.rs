//! Spotify (`spotify-fixed.yaml`, bearer scheme `oauth_2_0`): `GET
//! /playlists/{playlist_id}/items` walked by the next-page URL in its body, each item
//! holding a track-or-episode union (discriminator `type`, no mapping);
//! `GET /me/player/currently-playing` answers an object whose `item` is that union.

use spotify::models::{CurrentlyPlayingObjectItem, PlaylistTrackObject, PlaylistTrackObjectItem};

use crate::report::brief;

crate::sdk::sdk_support!(spotify);

pub async fn drive(base_url: &str, report: &mut Report) {
    let Some((client, recorder)) = connect(base_url, report) else {
        return;
    };
    let tracks = client
        .playlists()
        .get_playlists_items("3cEYpjA9oz9GiPac4AsH4n")
        .stream();
    walk(
        report,
        "playlists.get_playlists_items().stream()",
        &recorder,
        tracks,
        first_is_a_track,
    )
    .await;

    let playing = client
        .player()
        .get_the_users_currently_playing_track()
        .await;
    let outcome = match playing.map(|p| p.item) {
        Ok(Some(CurrentlyPlayingObjectItem::Track(track))) => Ok(format!(
            "CurrentlyPlayingObject, item: union CurrentlyPlayingObjectItem::Track (name {:?})",
            track.name
        )),
        Ok(other) => Err(format!("item is not a track: {}", brief(&other))),
        Err(e) => Err(format!("{:?}: {e}", e.kind())),
    };
    report.call(
        "player.get_the_users_currently_playing_track",
        &recorder.take(),
        outcome,
    );

    rejected(
        report,
        base_url,
        "player.get_the_users_currently_playing_track",
        |c| async move { c.player().get_the_users_currently_playing_track().await },
    )
    .await;
}

/// The example playlist entry holds a track (`type: track`) in its `item`.
fn first_is_a_track(items: &[PlaylistTrackObject]) -> Result<String, String> {
    match items.first().and_then(|item| item.item.as_ref()) {
        Some(PlaylistTrackObjectItem::Track(_)) => {
            Ok("; the first entry's item: union PlaylistTrackObjectItem::Track".to_string())
        }
        other => Err(format!(
            "the first entry's item is not a track: {}",
            brief(&other)
        )),
    }
}
