//! The Meetings and Registrants APIs, typed.

use futures_util::Stream;
use reqwest::Method;
use serde_json::{json, Value};
use zoom_types::enums::{MeetingAction, MeetingListType, RegistrantAction, RegistrantStatus};
use zoom_types::meetings::{
    BatchRegistrant, BatchRegistrants, Meeting, MeetingList, MeetingListItem, MeetingRequest, NewRegistrant,
    Registrant, RegistrantAdded, RegistrantList, RegistrationQuestions,
};

use crate::users::UserRef;
use crate::{segment, Client, Result};

/// Options of `GET /users/{userId}/meetings`.
#[derive(Debug, Clone, Default)]
pub struct ListMeetings {
    /// `scheduled` (Zoom's default), `live`, `upcoming`, …
    pub kind: Option<MeetingListType>,
    /// Meetings per page (at most 300).
    pub page_size: Option<i64>,
    /// `YYYY-MM-DD`.
    pub from: Option<String>,
    /// `YYYY-MM-DD`, inclusive.
    pub to: Option<String>,
    /// The token of the page to fetch.
    pub next_page_token: Option<String>,
}

impl ListMeetings {
    fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        if let Some(k) = self.kind {
            q.push(("type", k.to_string()));
        }
        if let Some(n) = self.page_size {
            q.push(("page_size", n.to_string()));
        }
        if let Some(f) = &self.from {
            q.push(("from", f.clone()));
        }
        if let Some(t) = &self.to {
            q.push(("to", t.clone()));
        }
        if let Some(t) = &self.next_page_token {
            q.push(("next_page_token", t.clone()));
        }
        q
    }
}

/// The Meetings API of a [`Client`]: `client.meetings()`.
///
/// ```no_run
/// # async fn demo(client: &localzoom_client::Client) -> localzoom_client::Result<()> {
/// use localzoom_client::zoom_types::meetings::MeetingRequest;
/// let m = client
///     .meetings()
///     .create("me", &MeetingRequest { topic: Some("Standup".into()), ..Default::default() })
///     .await?;
/// println!("{} {}", m.id, m.join_url);
/// # Ok(()) }
/// ```
pub struct Meetings<'a> {
    client: &'a Client,
}

impl<'a> Meetings<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Meetings { client }
    }

    /// `POST /users/{userId}/meetings`.
    pub async fn create(&self, user_id: &str, body: &MeetingRequest) -> Result<Meeting> {
        self.client
            .send_json(Method::POST, &format!("/users/{}/meetings", segment(user_id)), |r| {
                r.json(body)
            })
            .await
    }

    /// `GET /meetings/{meetingId}`; `occurrence_id` shows one occurrence of a series.
    pub async fn get(&self, meeting_id: i64, occurrence_id: Option<&str>) -> Result<Meeting> {
        let q: Vec<(&str, &str)> = occurrence_id.map(|o| ("occurrence_id", o)).into_iter().collect();
        self.client
            .send_json(Method::GET, &format!("/meetings/{meeting_id}"), |r| r.query(&q))
            .await
    }

    /// `GET /users/{userId}/meetings`: one page.
    pub async fn list(&self, user_id: &str, opts: &ListMeetings) -> Result<MeetingList> {
        let q = opts.query();
        self.client
            .send_json(Method::GET, &format!("/users/{}/meetings", segment(user_id)), |r| {
                r.query(&q)
            })
            .await
    }

    /// Every meeting matching `opts`, following `next_page_token`.
    pub fn stream(&self, user_id: &str, opts: &ListMeetings) -> impl Stream<Item = Result<MeetingListItem>> + 'a {
        let (client, user) = (self.client, user_id.to_string());
        crate::paginate(opts.clone(), move |opts| {
            let user = user.clone();
            async move {
                let page = Meetings { client }.list(&user, &opts).await?;
                let next = (!page.next_page_token.is_empty()).then(|| ListMeetings {
                    next_page_token: Some(page.next_page_token.clone()),
                    ..opts
                });
                Ok((page.meetings, next))
            }
        })
    }

    /// `PATCH /meetings/{meetingId}`; with `occurrence_id`, that occurrence only.
    pub async fn update(&self, meeting_id: i64, body: &MeetingRequest, occurrence_id: Option<&str>) -> Result<()> {
        let q: Vec<(&str, &str)> = occurrence_id.map(|o| ("occurrence_id", o)).into_iter().collect();
        self.client
            .send_unit(Method::PATCH, &format!("/meetings/{meeting_id}"), |r| {
                r.query(&q).json(body)
            })
            .await
    }

    /// `DELETE /meetings/{meetingId}`; with `occurrence_id`, that occurrence only.
    pub async fn delete(&self, meeting_id: i64, occurrence_id: Option<&str>) -> Result<()> {
        let q: Vec<(&str, &str)> = occurrence_id.map(|o| ("occurrence_id", o)).into_iter().collect();
        self.client
            .send_unit(Method::DELETE, &format!("/meetings/{meeting_id}"), |r| r.query(&q))
            .await
    }

    /// `PUT /meetings/{meetingId}/status`: `end` or `recover`.
    pub async fn set_status(&self, meeting_id: i64, action: MeetingAction) -> Result<()> {
        self.client
            .send_unit(Method::PUT, &format!("/meetings/{meeting_id}/status"), |r| {
                r.json(&json!({ "action": action }))
            })
            .await
    }
}

/// Options of `GET /meetings/{meetingId}/registrants`.
#[derive(Debug, Clone, Default)]
pub struct ListRegistrants {
    /// `approved` (Zoom's default), `pending` or `denied`.
    pub status: Option<RegistrantStatus>,
    /// Only registrants of this occurrence.
    pub occurrence_id: Option<String>,
    /// Registrants per page (at most 300).
    pub page_size: Option<i64>,
    /// The token of the page to fetch.
    pub next_page_token: Option<String>,
}

/// The registrants of one meeting: `client.registrants(meeting_id)`.
///
/// ```no_run
/// # async fn demo(client: &localzoom_client::Client) -> localzoom_client::Result<()> {
/// use localzoom_client::zoom_types::{enums::RegistrantAction, meetings::NewRegistrant};
/// let r = client.registrants(85746065432)
///     .add(&NewRegistrant { email: "ann@example.com".into(), first_name: "Ann".into(), ..Default::default() }, &[])
///     .await?;
/// client.registrants(85746065432).set_status(RegistrantAction::Approve, &[localzoom_client::UserRef::id(&r.registrant_id)]).await?;
/// # Ok(()) }
/// ```
pub struct Registrants<'a> {
    client: &'a Client,
    meeting_id: i64,
}

impl<'a> Registrants<'a> {
    pub(crate) fn new(client: &'a Client, meeting_id: i64) -> Self {
        Registrants { client, meeting_id }
    }

    fn path(&self, rest: &str) -> String {
        format!("/meetings/{}/registrants{rest}", self.meeting_id)
    }

    /// `POST /meetings/{meetingId}/registrants`; `occurrence_ids` for some occurrences of a series.
    pub async fn add(&self, body: &NewRegistrant, occurrence_ids: &[String]) -> Result<RegistrantAdded> {
        let q: Vec<(&str, String)> = (!occurrence_ids.is_empty())
            .then(|| ("occurrence_ids", occurrence_ids.join(",")))
            .into_iter()
            .collect();
        self.client
            .send_json(Method::POST, &self.path(""), |r| r.query(&q).json(body))
            .await
    }

    /// `GET /meetings/{meetingId}/registrants`: one page.
    pub async fn list(&self, opts: &ListRegistrants) -> Result<RegistrantList> {
        let mut q: Vec<(&str, String)> = Vec::new();
        if let Some(s) = opts.status {
            q.push(("status", s.to_string()));
        }
        if let Some(o) = &opts.occurrence_id {
            q.push(("occurrence_id", o.clone()));
        }
        if let Some(n) = opts.page_size {
            q.push(("page_size", n.to_string()));
        }
        if let Some(t) = &opts.next_page_token {
            q.push(("next_page_token", t.clone()));
        }
        self.client
            .send_json(Method::GET, &self.path(""), |r| r.query(&q))
            .await
    }

    /// Every registrant matching `opts`, following `next_page_token`.
    pub fn stream(&self, opts: &ListRegistrants) -> impl Stream<Item = Result<Registrant>> + 'a {
        let (client, meeting_id) = (self.client, self.meeting_id);
        crate::paginate(opts.clone(), move |opts| async move {
            let page = Registrants { client, meeting_id }.list(&opts).await?;
            let next = (!page.next_page_token.is_empty()).then(|| ListRegistrants {
                next_page_token: Some(page.next_page_token.clone()),
                ..opts
            });
            Ok((page.registrants, next))
        })
    }

    /// `GET /meetings/{meetingId}/registrants/{registrantId}`.
    pub async fn get(&self, registrant_id: &str) -> Result<Registrant> {
        self.client
            .send_json(Method::GET, &self.path(&format!("/{}", segment(registrant_id))), |r| r)
            .await
    }

    /// `DELETE /meetings/{meetingId}/registrants/{registrantId}`.
    pub async fn delete(&self, registrant_id: &str, occurrence_id: Option<&str>) -> Result<()> {
        let q: Vec<(&str, &str)> = occurrence_id.map(|o| ("occurrence_id", o)).into_iter().collect();
        self.client
            .send_unit(
                Method::DELETE,
                &self.path(&format!("/{}", segment(registrant_id))),
                |r| r.query(&q),
            )
            .await
    }

    /// `PUT /meetings/{meetingId}/registrants/status`: approve, deny or cancel up to 30 registrants
    /// (by id or email).
    pub async fn set_status(&self, action: RegistrantAction, registrants: &[UserRef]) -> Result<()> {
        let body = json!({"action": action, "registrants": registrants});
        self.client
            .send_unit(Method::PUT, &self.path("/status"), |r| r.json(&body))
            .await
    }

    /// `GET /meetings/{meetingId}/registrants/questions`.
    pub async fn questions(&self) -> Result<RegistrationQuestions> {
        self.client
            .send_json(Method::GET, &self.path("/questions"), |r| r)
            .await
    }

    /// `PATCH /meetings/{meetingId}/registrants/questions`: `{questions?, custom_questions?}`.
    pub async fn update_questions(&self, body: &Value) -> Result<()> {
        self.client
            .send_unit(Method::PATCH, &self.path("/questions"), |r| r.json(body))
            .await
    }

    /// `POST /meetings/{meetingId}/batch_registrants`: up to 30 at once (scheduled meetings only).
    pub async fn add_batch(&self, registrants: &[NewRegistrant], auto_approve: bool) -> Result<Vec<BatchRegistrant>> {
        let body = json!({"auto_approve": auto_approve, "registrants": registrants});
        let v: BatchRegistrants = self
            .client
            .send_json(
                Method::POST,
                &format!("/meetings/{}/batch_registrants", self.meeting_id),
                |r| r.json(&body),
            )
            .await?;
        Ok(v.registrants)
    }
}
