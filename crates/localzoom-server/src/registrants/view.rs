//! How registrants look on the wire: the `zoom_types` objects the client also reads.

use zoom_types::meetings::{Registrant, RegistrantAdded, RegistrantAnswers, RegistrationQuestions};

use super::store::RegistrantRow;
use crate::clock::rfc3339;
use crate::meetings::schedule::occurrences_of;
use crate::meetings::store::MeetingRow;

/// The registrant's own join URL.
pub fn join_url(r: &RegistrantRow, m: &MeetingRow, origin: &str) -> String {
    let mut url = format!("{origin}/w/{}?tk={}", m.id, r.doc.join_token);
    if !m.doc.password.is_empty() {
        url.push_str(&format!("&pwd={}", m.doc.encrypted_password));
    }
    url
}

pub fn registrant(r: &RegistrantRow, m: &MeetingRow, origin: &str) -> Registrant {
    let d = &r.doc;
    Registrant {
        id: r.id.clone(),
        email: d.email.clone(),
        first_name: d.first_name.clone(),
        last_name: d.last_name.clone(),
        status: r.status.as_str().into(),
        join_url: join_url(r, m, origin),
        create_time: rfc3339(r.created_at),
        participant_pin_code: d.participant_pin_code,
        answers: RegistrantAnswers {
            address: d.address.clone(),
            city: d.city.clone(),
            state: d.state.clone(),
            zip: d.zip.clone(),
            country: d.country.clone(),
            phone: d.phone.clone(),
            comments: d.comments.clone(),
            industry: d.industry.clone(),
            job_title: d.job_title.clone(),
            org: d.org.clone(),
            no_of_employees: d.no_of_employees.clone(),
            purchasing_time_frame: d.purchasing_time_frame.clone(),
            role_in_purchase_process: d.role_in_purchase_process.clone(),
        },
        custom_questions: d.custom_questions.clone(),
        extra: Default::default(),
    }
}

/// The answer of `POST /meetings/{meetingId}/registrants`: a series lists the occurrences
/// registered for.
pub fn added(r: &RegistrantRow, m: &MeetingRow, origin: &str) -> RegistrantAdded {
    let occurrences = (m.kind == 8).then(|| {
        occurrences_of(m)
            .iter()
            .filter(|o| r.occurrence_ids.is_empty() || r.occurrence_ids.contains(&o.occurrence_id))
            .map(crate::meetings::view::occurrence)
            .collect()
    });
    RegistrantAdded {
        id: m.id,
        registrant_id: r.id.clone(),
        join_url: join_url(r, m, origin),
        topic: m.doc.topic.clone(),
        participant_pin_code: r.doc.participant_pin_code,
        start_time: m.start_time.map(rfc3339),
        occurrences,
        extra: Default::default(),
    }
}

/// The meeting's registration questions, as stored (each stored by `QuestionsUpdate`).
pub fn questions(m: &MeetingRow) -> RegistrationQuestions {
    RegistrationQuestions {
        questions: m.doc.questions.clone(),
        custom_questions: m.doc.custom_questions.clone(),
    }
}
