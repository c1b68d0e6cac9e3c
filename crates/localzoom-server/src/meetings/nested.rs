//! The nested meeting settings (`breakout_room`, `resources`, …) checked against their shapes in
//! Zoom's Meetings reference (`nested_settings.schema.json`, cut from it: types, enums, lengths and
//! ranges, nested properties and items). Null members count as not given, as everywhere else.

use std::sync::OnceLock;

use serde_json::Value;

fn schemas() -> &'static Value {
    static SCHEMAS: OnceLock<Value> = OnceLock::new();
    SCHEMAS.get_or_init(|| serde_json::from_str(include_str!("nested_settings.schema.json")).unwrap_or(Value::Null))
}

fn strip_nulls(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, strip_nulls(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(strip_nulls).collect()),
        other => other,
    }
}

fn conforms(schema: &Value, v: &Value, path: String, bad: &mut Vec<String>) {
    let type_ok = match schema.get("type").and_then(Value::as_str) {
        Some("object") => v.is_object(),
        Some("array") => v.is_array(),
        Some("string") => v.is_string(),
        Some("boolean") => v.is_boolean(),
        Some("integer") => v.is_i64() || v.is_u64(),
        Some("number") => v.is_number(),
        _ => true,
    };
    if !type_ok {
        bad.push(path);
        return;
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        if !allowed.contains(v) {
            bad.push(path);
            return;
        }
    }
    if let (Some(s), Some(max)) = (v.as_str(), schema.get("maxLength").and_then(Value::as_u64)) {
        if s.chars().count() as u64 > max {
            bad.push(path);
            return;
        }
    }
    if let Some(n) = v.as_f64() {
        let below = schema.get("minimum").and_then(Value::as_f64).is_some_and(|m| n < m);
        let above = schema.get("maximum").and_then(Value::as_f64).is_some_and(|m| n > m);
        if below || above {
            bad.push(path);
            return;
        }
    }
    if let (Value::Object(members), Some(props)) = (v, schema.get("properties").and_then(Value::as_object)) {
        for (k, sub) in props {
            if let Some(member) = members.get(k) {
                conforms(sub, member, format!("{path}.{k}"), bad);
            }
        }
    }
    if let (Value::Array(items), Some(item)) = (v, schema.get("items")) {
        for (i, x) in items.iter().enumerate() {
            conforms(item, x, format!("{path}[{i}]"), bad);
        }
    }
}

/// The document with nulls dropped, or the paths (after the setting's own) that break its shape.
pub fn checked(name: &str, doc: Value) -> Result<Value, Vec<String>> {
    let doc = strip_nulls(doc);
    let Some(schema) = schemas().get(name) else {
        return Ok(doc);
    };
    let mut bad = Vec::new();
    conforms(schema, &doc, String::new(), &mut bad);
    if bad.is_empty() {
        Ok(doc)
    } else {
        Err(bad)
    }
}

#[cfg(test)]
mod tests {
    use super::checked;
    use serde_json::json;

    #[test]
    fn nested_settings_keep_their_shapes() {
        assert!(checked(
            "breakout_room",
            json!({"enable": true, "rooms": [{"name": "A", "participants": ["a@b.co"]}]})
        )
        .is_ok());
        assert_eq!(
            checked("breakout_room", json!({"enable": "nope", "rooms": 7})),
            Err(vec![".enable".into(), ".rooms".into()])
        );
        assert_eq!(
            checked("approved_or_denied_countries_or_regions", json!({"enable": "yes"})),
            Err(vec![".enable".into()])
        );
        assert_eq!(
            checked("global_dial_in_countries", json!({"x": 1})),
            Err(vec!["".into()])
        );
        assert_eq!(
            checked(
                "resources",
                json!([{"resource_type": "whiteboard", "resource_id": "x", "permission_level": "owner"}])
            ),
            Err(vec!["[0].permission_level".into()])
        );
        assert_eq!(
            checked("continuous_meeting_chat", json!({"enable": null})),
            Ok(json!({}))
        );
    }
}
