//! Spotify (`spotify-fixed.yaml`, bearer scheme `oauth_2_0`): `GET
//! /playlists/{playlist_id}/tracks` walked by the next-page URL in its body, each item
//! holding a track-or-episode union (discriminator `type`);
//! `GET /me/player/currently-playing` answers an object whose `item` is that union.

use spotify::models::{CurrentlyPlayingObjectItem, PlaylistTrackObjectTrack};

use crate::report::{brief, walked};

crate::sdk::sdk_support!(spotify);

pub async fn drive(base_url: &str, report: &mut Report) {
    let recorder = Arc::new(Recorder::default());
    let client = match client(base_url, Credential::Sent, &recorder) {
        Ok(client) => client,
        Err(e) => return report.call("client", &[], Err(e)),
    };

    let tracks = client
        .playlists()
        .get_playlists_tracks("3cEYpjA9oz9GiPac4AsH4n");
    let (items, end) = walk(tracks.stream()).await;
    let attempts = recorder.take();
    let outcome = walked(&items, &end, attempts.len()).and_then(|line| {
        match items.first().and_then(|item| item.track.as_ref()) {
            Some(PlaylistTrackObjectTrack::TrackObject(_)) => Ok(format!(
                "{line}; first item's track: union PlaylistTrackObjectTrack::TrackObject"
            )),
            other => Err(format!(
                "the first item's track is not a TrackObject: {}",
                brief(&other)
            )),
        }
    });
    report.call(
        "playlists.get_playlists_tracks().stream()",
        &attempts,
        outcome,
    );

    let playing = client
        .player()
        .get_the_users_currently_playing_track()
        .await;
    let outcome = match playing.map(|p| p.item) {
        Ok(Some(CurrentlyPlayingObjectItem::TrackObject(track))) => Ok(format!(
            "CurrentlyPlayingObject, item: union CurrentlyPlayingObjectItem::TrackObject (name {:?})",
            track.name
        )),
        Ok(other) => Err(format!("item is not a TrackObject: {}", brief(&other))),
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
