//! The backend talks to the real services: LiveKit RoomService, MongoDB wire protocol on
//! FerretDB, PostgreSQL through sqlx with the project's migrations.

mod common;

use closer::store::relational::MIGRATOR;
use futures_util::TryStreamExt;
use livekit_api::services::room::CreateRoomOptions;
use mongodb::bson::{Document, doc};
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

#[tokio::test]
async fn livekit_room_create_list_delete() {
    let config = common::config();
    let rooms = closer::livekit::room_client(&config);
    let name = common::unique("room");

    let created = rooms
        .create_room(&name, CreateRoomOptions { max_participants: 10, ..Default::default() })
        .await
        .expect("create room");
    assert_eq!(created.name, name);
    assert_eq!(created.max_participants, 10);

    let listed = rooms.list_rooms(vec![name.clone()]).await.expect("list rooms");
    assert_eq!(listed.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), [name.as_str()]);

    rooms.delete_room(&name).await.expect("delete room");
    let listed = rooms.list_rooms(vec![name.clone()]).await.expect("list rooms");
    assert!(listed.is_empty(), "room still listed after delete: {listed:?}");
}

#[tokio::test]
async fn mongodb_insert_find_aggregate() {
    let config = common::config();
    let db = closer::store::documents::connect(&config.mongodb_url, &config.mongodb_database)
        .await
        .unwrap();
    let segments = db.collection::<Document>(&common::unique("segments"));
    segments
        .insert_many([
            doc! {"speaker": "host", "text": "hello", "words": 1_i32},
            doc! {"speaker": "guest_a", "text": "ciao a tutti", "words": 3_i32},
            doc! {"speaker": "host", "text": "let us start", "words": 3_i32},
        ])
        .await
        .expect("insert");

    let found = segments.find_one(doc! {"speaker": "guest_a"}).await.unwrap().expect("found");
    assert_eq!(found.get_str("text").unwrap(), "ciao a tutti");

    // One accumulator per $group: FerretDB 1.24 computes only the first accumulator of a
    // $group stage and returns 0 for the others (see `closer::store::documents`).
    let totals: Vec<Document> = segments
        .aggregate([
            doc! {"$match": {"words": {"$gte": 1}}},
            doc! {"$group": {"_id": "$speaker", "words": {"$sum": "$words"}}},
            doc! {"$sort": {"_id": 1}},
        ])
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    let summary: Vec<(String, i32)> = totals
        .iter()
        .map(|d| (d.get_str("_id").unwrap().to_owned(), d.get_i32("words").unwrap()))
        .collect();
    assert_eq!(summary, [("guest_a".into(), 3), ("host".into(), 4)]);
    segments.drop().await.unwrap();
}

#[tokio::test]
async fn postgres_migrations_apply_once_and_query() {
    let config = common::config();
    // A fresh database so the test sees the migrations applied from nothing.
    let name = common::unique("closer_test");
    let mut admin = sqlx::PgConnection::connect(&config.database_url).await.expect("connect");
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.unwrap();
    let options: PgConnectOptions = config.database_url.parse().unwrap();
    let pool = PgPoolOptions::new().connect_with(options.database(&name)).await.unwrap();
    closer::store::relational::migrate(&pool).await.expect("first migrate");
    closer::store::relational::migrate(&pool).await.expect("second migrate is a no-op");
    let applied: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(applied as usize, MIGRATOR.iter().count());

    let id: uuid::Uuid = sqlx::query_scalar(
        "INSERT INTO organizations (name, slug) VALUES ($1, $2) RETURNING id",
    )
    .bind("Acme Vendite")
    .bind("acme-vendite")
    .fetch_one(&pool)
    .await
    .unwrap();
    let name_back: String = sqlx::query_scalar("SELECT name FROM organizations WHERE id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(name_back, "Acme Vendite");
    let bad_slug = sqlx::query("INSERT INTO organizations (name, slug) VALUES ('x', 'Not A Slug')")
        .execute(&pool)
        .await;
    assert!(bad_slug.is_err(), "the slug CHECK constraint must reject upper case and spaces");

    pool.close().await;
    sqlx::query(&format!("DROP DATABASE {name}")).execute(&mut admin).await.unwrap();
}
