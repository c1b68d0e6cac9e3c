//! `localzoom meetings …` and `localzoom registrants …`.

use super::*;

#[derive(Debug, Subcommand)]
pub enum MeetingsCommand {
    /// List a user's meetings.
    List {
        #[arg(allow_hyphen_values = true)]
        user: String,
        #[arg(long = "type", value_parser = parse::<MeetingListType>)]
        kind: Option<MeetingListType>,
        #[arg(long)]
        all: bool,
    },
    /// Show a meeting.
    Get { meeting: i64 },
    /// Schedule a meeting for a user.
    Create {
        #[arg(allow_hyphen_values = true)]
        user: String,
        #[arg(long)]
        topic: Option<String>,
        /// `2026-01-05T09:00:00Z`, or wall time in --timezone.
        #[arg(long)]
        start_time: Option<String>,
        #[arg(long)]
        duration: Option<i64>,
        #[arg(long)]
        timezone: Option<String>,
        /// 0 registration approved automatically, 1 manually, 2 no registration.
        #[arg(long)]
        approval_type: Option<i64>,
    },
    /// Change fields of a meeting: `--set topic=Review --set duration=30`.
    Update {
        meeting: i64,
        #[arg(long = "set", value_name = "FIELD=VALUE", required = true)]
        set: Vec<String>,
    },
    /// Delete a meeting (or one occurrence).
    Delete {
        meeting: i64,
        #[arg(long)]
        occurrence_id: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum RegistrantsCommand {
    /// List a meeting's registrants.
    List {
        meeting: i64,
        #[arg(long, value_parser = parse::<RegistrantStatus>)]
        status: Option<RegistrantStatus>,
    },
    /// Register someone.
    Add {
        meeting: i64,
        #[arg(long)]
        email: String,
        #[arg(long)]
        first_name: String,
        #[arg(long)]
        last_name: Option<String>,
    },
    /// Approve registrants (ids or emails).
    Approve {
        meeting: i64,
        #[arg(required = true)]
        registrants: Vec<String>,
    },
    /// Deny registrants.
    Deny {
        meeting: i64,
        #[arg(required = true)]
        registrants: Vec<String>,
    },
    /// Cancel approved registrations.
    Cancel {
        meeting: i64,
        #[arg(required = true)]
        registrants: Vec<String>,
    },
}

pub async fn meetings(c: &Connection, cmd: MeetingsCommand) -> ExitCode {
    report(run_meetings(c, cmd).await)
}

async fn run_meetings(c: &Connection, cmd: MeetingsCommand) -> Result<(), Error> {
    let client = client(c)?;
    let meetings = client.meetings();
    match cmd {
        MeetingsCommand::List { user, kind, all } => {
            let opts = ListMeetings {
                kind,
                ..Default::default()
            };
            let items: Vec<Value> = if all {
                let mut progress = Progress::new("meetings", None);
                let mut stream = std::pin::pin!(meetings.stream(&user, &opts));
                let mut items = Vec::new();
                while let Some(m) = stream.next().await {
                    items.push(to_json(&m?));
                    progress.tick();
                }
                progress.finish();
                items
            } else {
                meetings
                    .list(&user, &opts)
                    .await?
                    .meetings
                    .iter()
                    .map(to_json)
                    .collect()
            };
            table(c.json, &Value::Array(items.clone()), MEETING_COLUMNS, &items);
        }
        MeetingsCommand::Get { meeting } => {
            let m = to_json(&meetings.get(meeting, None).await?);
            if c.json {
                record(true, &m);
            } else {
                table(false, &m, MEETING_COLUMNS, std::slice::from_ref(&m));
                println!("join: {}", m["join_url"].as_str().unwrap_or(""));
            }
        }
        MeetingsCommand::Create {
            user,
            topic,
            start_time,
            duration,
            timezone,
            approval_type,
        } => {
            let settings = approval_type.map(|a| {
                let mut s = Map::new();
                s.insert("approval_type".into(), json!(a));
                s
            });
            let body = MeetingRequest {
                topic,
                start_time,
                duration,
                timezone,
                settings,
                ..Default::default()
            };
            let m = to_json(&meetings.create(&user, &body).await?);
            if c.json {
                record(true, &m);
            } else {
                table(false, &m, MEETING_COLUMNS, std::slice::from_ref(&m));
                println!("join: {}", m["join_url"].as_str().unwrap_or(""));
            }
        }
        MeetingsCommand::Update { meeting, set } => {
            let patch: MeetingRequest = serde_json::from_value(Value::Object(assignments(&set)?))
                .map_err(|e| Error::Config(format!("cannot send these fields: {e}")))?;
            meetings.update(meeting, &patch, None).await?;
            record(c.json, &json!({"updated": meeting}));
        }
        MeetingsCommand::Delete { meeting, occurrence_id } => {
            meetings.delete(meeting, occurrence_id.as_deref()).await?;
            record(c.json, &json!({"deleted": meeting}));
        }
    }
    Ok(())
}

pub async fn registrants(c: &Connection, cmd: RegistrantsCommand) -> ExitCode {
    report(run_registrants(c, cmd).await)
}

fn refs(names: &[String]) -> Vec<UserRef> {
    names
        .iter()
        .map(|n| {
            if n.contains('@') {
                UserRef::email(n)
            } else {
                UserRef::id(n)
            }
        })
        .collect()
}

async fn run_registrants(c: &Connection, cmd: RegistrantsCommand) -> Result<(), Error> {
    let client = client(c)?;
    let (meeting, action, names) = match cmd {
        RegistrantsCommand::List { meeting, status } => {
            let mut progress = Progress::new("registrants", None);
            let opts = ListRegistrants {
                status,
                ..Default::default()
            };
            let registrants = client.registrants(meeting);
            let mut stream = std::pin::pin!(registrants.stream(&opts));
            let mut items = Vec::new();
            while let Some(r) = stream.next().await {
                items.push(to_json(&r?));
                progress.tick();
            }
            progress.finish();
            table(c.json, &Value::Array(items.clone()), REGISTRANT_COLUMNS, &items);
            return Ok(());
        }
        RegistrantsCommand::Add {
            meeting,
            email,
            first_name,
            last_name,
        } => {
            let body = NewRegistrant {
                email,
                first_name,
                last_name,
                ..Default::default()
            };
            let added = client.registrants(meeting).add(&body, &[]).await?;
            record(c.json, &to_json(&added));
            return Ok(());
        }
        RegistrantsCommand::Approve { meeting, registrants } => (meeting, RegistrantAction::Approve, registrants),
        RegistrantsCommand::Deny { meeting, registrants } => (meeting, RegistrantAction::Deny, registrants),
        RegistrantsCommand::Cancel { meeting, registrants } => (meeting, RegistrantAction::Cancel, registrants),
    };
    // Zoom takes at most 30 registrants per call.
    let mut progress = Progress::new("registrants", Some(names.len() as u64));
    for chunk in names.chunks(30) {
        client.registrants(meeting).set_status(action, &refs(chunk)).await?;
        for _ in chunk {
            progress.tick();
        }
    }
    progress.finish();
    let rows: Vec<Value> = names
        .iter()
        .map(|n| json!({"registrant": n, "action": action}))
        .collect();
    table(
        c.json,
        &Value::Array(rows.clone()),
        &[("registrant", "/registrant"), ("action", "/action")],
        &rows,
    );
    Ok(())
}
