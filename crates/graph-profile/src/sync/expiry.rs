//! The expiry report: certifications already expired, or expiring within N days,
//! for given users or every user of the tenant.
//!
//! A certification expires on its `endDate` (an Edm.Date): it is valid through that
//! day and expired from the next.  Certifications without an `endDate` never expire
//! and are not listed.  Nothing updates an expiry on its own (see the reference):
//! the report is how an administrator finds what to renew.

use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::current::read_current;
use super::progress::Progress;
use super::render::{Table, to_csv};
use crate::FacetKind;
use crate::client::{BatchRequest, Client};
use crate::error::{Error, ErrorKind};
use crate::model::Date;

/// What the report covers.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ExpiryOptions {
    /// List certifications whose `endDate` is within this many days from `asOf`.
    pub within_days: u32,
    /// List those already expired too.
    pub include_expired: bool,
    /// The day the report is for; default today (UTC).
    pub as_of: Option<Date>,
}

impl Default for ExpiryOptions {
    fn default() -> Self {
        ExpiryOptions { within_days: 30, include_expired: true, as_of: None }
    }
}

/// Whether a listed certification has expired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ExpiryStatus {
    Expired,
    Expiring,
}

/// One certification in the report.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExpiringCertification {
    pub user: String,
    pub status: ExpiryStatus,
    /// Days from `asOf` to `endDate`: negative once expired, 0 on the last valid day.
    pub days_left: i64,
    pub end_date: Date,
    pub display_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuing_authority: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certification_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_id: Option<String>,
}

/// A user whose certifications could not be read.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnreadUser {
    pub user: String,
    pub reason: String,
}

/// The report: soonest expiry first.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExpiryReport {
    pub as_of: Date,
    pub within_days: u32,
    /// Users whose certifications were read.
    pub users_read: usize,
    pub certifications: Vec<ExpiringCertification>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<UnreadUser>,
}

impl ExpiryReport {
    /// Builds the report from entries already read (pure): `(user, certifications)`.
    pub fn from_entries<'a>(
        users: impl IntoIterator<Item = (&'a str, &'a [Value])>,
        options: &ExpiryOptions,
    ) -> ExpiryReport {
        let as_of = options.as_of.unwrap_or_else(today);
        let mut certifications = Vec::new();
        let mut users_read = 0;
        for (user, entries) in users {
            users_read += 1;
            certifications
                .extend(entries.iter().filter_map(|entry| expiring(user, entry, as_of, options)));
        }
        certifications.sort_by(|a, b| (a.end_date, &a.user).cmp(&(b.end_date, &b.user)));
        ExpiryReport {
            as_of,
            within_days: options.within_days,
            users_read,
            certifications,
            errors: Vec::new(),
        }
    }

    /// A text table with a summary line.
    pub fn to_table(&self) -> String {
        let mut table =
            Table::new(["STATUS", "DAYS", "END DATE", "USER", "CERTIFICATION", "ISSUER"]);
        for c in &self.certifications {
            table.row([
                status_word(c.status).to_owned(),
                c.days_left.to_string(),
                c.end_date.to_string(),
                c.user.clone(),
                c.display_name.clone(),
                c.issuing_authority.clone().unwrap_or_default(),
            ]);
        }
        let expired =
            self.certifications.iter().filter(|c| c.status == ExpiryStatus::Expired).count();
        let mut out = if table.is_empty() { String::new() } else { table.render() };
        for error in &self.errors {
            out.push_str(&format!("not read: {}: {}\n", error.user, error.reason));
        }
        out.push_str(&format!(
            "\n{} expired, {} expiring within {} days of {}, across {} users\n",
            expired,
            self.certifications.len() - expired,
            self.within_days,
            self.as_of,
            self.users_read
        ));
        out
    }

    /// CSV, one certification a line.
    pub fn to_csv(&self) -> String {
        let rows: Vec<[String; 8]> = self
            .certifications
            .iter()
            .map(|c| {
                [
                    c.user.clone(),
                    status_word(c.status).to_owned(),
                    c.days_left.to_string(),
                    c.end_date.to_string(),
                    c.display_name.clone(),
                    c.issuing_authority.clone().unwrap_or_default(),
                    c.certification_id.clone().unwrap_or_default(),
                    c.entry_id.clone().unwrap_or_default(),
                ]
            })
            .collect();
        to_csv(
            [
                "user",
                "status",
                "daysLeft",
                "endDate",
                "displayName",
                "issuingAuthority",
                "certificationId",
                "id",
            ],
            &rows,
        )
    }
}

fn status_word(status: ExpiryStatus) -> &'static str {
    match status {
        ExpiryStatus::Expired => "expired",
        ExpiryStatus::Expiring => "expiring",
    }
}

fn expiring(
    user: &str,
    entry: &Value,
    as_of: Date,
    options: &ExpiryOptions,
) -> Option<ExpiringCertification> {
    let text = |name: &str| entry.get(name).and_then(Value::as_str).map(str::to_owned);
    let end_date: Date = text("endDate")?.parse().ok()?;
    let days_left = day_number(end_date) - day_number(as_of);
    let status = if days_left < 0 {
        if !options.include_expired {
            return None;
        }
        ExpiryStatus::Expired
    } else if days_left <= i64::from(options.within_days) {
        ExpiryStatus::Expiring
    } else {
        return None;
    };
    Some(ExpiringCertification {
        user: user.to_owned(),
        status,
        days_left,
        end_date,
        display_name: text("displayName").unwrap_or_default(),
        issuing_authority: text("issuingAuthority"),
        certification_id: text("certificationId"),
        entry_id: text("id"),
    })
}

/// Reads the certifications of `users` (batched) and builds the report.  Users that
/// cannot be read are listed in [`ExpiryReport::errors`].
pub async fn expiry_report(
    client: &Client,
    users: &[String],
    options: &ExpiryOptions,
    progress: &dyn Progress,
) -> Result<ExpiryReport, Error> {
    let pairs: Vec<(String, FacetKind)> =
        users.iter().map(|user| (user.clone(), FacetKind::Certifications)).collect();
    let current = read_current(client, &pairs, progress).await?;

    let mut read = Vec::new();
    let mut errors = Vec::new();
    for user in users {
        match current.entries(user, FacetKind::Certifications) {
            Ok(entries) => read.push((user.as_str(), entries)),
            Err(reason) => {
                errors.push(UnreadUser { user: user.clone(), reason: reason.to_owned() })
            }
        }
    }
    let mut report = ExpiryReport::from_entries(read, options);
    report.errors = errors;
    Ok(report)
}

/// The principal names of every user of the signed-in tenant (`GET /users`, every
/// page).
pub async fn tenant_users(client: &Client) -> Result<Vec<String>, Error> {
    let graph_url = client.config().resolved_graph_url()?;
    let base = graph_url.as_str().trim_end_matches('/').to_owned();
    let mut next = Some("/users?$select=id,userPrincipalName".to_owned());
    let mut users = Vec::new();

    while let Some(url) = next.take() {
        let request = BatchRequest {
            id: "users".into(),
            method: "GET".into(),
            url,
            headers: Default::default(),
            body: None,
            depends_on: Vec::new(),
        };
        let answer = client.batch(vec![request]).await?.pop();
        let body = answer
            .ok_or_else(|| Error::new(ErrorKind::Service, "no answer for the list of users"))?
            .into_result()?
            .unwrap_or(Value::Null);
        for user in body.get("value").and_then(Value::as_array).into_iter().flatten() {
            if let Some(upn) = user.get("userPrincipalName").and_then(Value::as_str) {
                users.push(upn.to_owned());
            }
        }
        // A nextLink is absolute; a batch takes the path below the Graph URL.
        next = body
            .get("@odata.nextLink")
            .and_then(Value::as_str)
            .map(|link| link.strip_prefix(&base).unwrap_or(link).to_owned());
        if next.as_deref().is_some_and(|n| !n.starts_with('/')) {
            return Err(Error::new(ErrorKind::Service, "a nextLink points outside the Graph URL"));
        }
    }
    Ok(users)
}

/// Today in UTC.
pub fn today() -> Date {
    let seconds = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    date_from_day_number((seconds / 86_400) as i64)
}

/// Days since 1970-01-01 (negative before).  The proleptic Gregorian calendar.
pub fn day_number(date: Date) -> i64 {
    let (year, month, day) =
        (i64::from(date.year()), i64::from(date.month()), i64::from(date.day()));
    // Count years from March, so the leap day is the last day of the year.
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date `days` after 1970-01-01 (clamped to the years 1 to 9999).
pub fn date_from_day_number(days: i64) -> Date {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    let year = year.clamp(1, 9999) as u16;
    Date::new(year, month as u8, day as u8)
        .or(Date::new(year, 1, 1))
        .expect("January 1st exists in every year from 1 to 9999")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn date(text: &str) -> Date {
        text.parse().unwrap()
    }

    #[test]
    fn day_numbers_round_trip() {
        assert_eq!(day_number(date("1970-01-01")), 0);
        assert_eq!(day_number(date("2000-03-01")) - day_number(date("2000-02-28")), 2);
        assert_eq!(day_number(date("2100-03-01")) - day_number(date("2100-02-28")), 1);
        for text in ["0001-01-01", "1969-12-31", "2024-02-29", "2026-12-03", "9999-12-31"] {
            assert_eq!(date_from_day_number(day_number(date(text))), date(text));
        }
    }

    #[test]
    fn expired_and_expiring_are_told_apart() {
        let entries = vec![
            json!({"id": "1", "displayName": "Old", "endDate": "2026-11-30"}),
            json!({"id": "2", "displayName": "Last day", "endDate": "2026-12-03"}),
            json!({"id": "3", "displayName": "Soon", "endDate": "2027-01-02"}),
            json!({"id": "4", "displayName": "Later", "endDate": "2027-01-03"}),
            json!({"id": "5", "displayName": "Forever"}),
        ];
        let options = ExpiryOptions {
            within_days: 30,
            include_expired: true,
            as_of: Some(date("2026-12-03")),
        };
        let report = ExpiryReport::from_entries([("a@x.com", entries.as_slice())], &options);
        let seen: Vec<(&str, i64)> =
            report.certifications.iter().map(|c| (c.display_name.as_str(), c.days_left)).collect();
        assert_eq!(seen, [("Old", -3), ("Last day", 0), ("Soon", 30)]);
        assert_eq!(report.certifications[0].status, ExpiryStatus::Expired);
        assert!(report.to_csv().starts_with("user,status,daysLeft"));
        assert!(report.to_table().contains("1 expired, 2 expiring within 30 days"));

        let options = ExpiryOptions { include_expired: false, ..options };
        let report = ExpiryReport::from_entries([("a@x.com", entries.as_slice())], &options);
        assert_eq!(report.certifications.len(), 2);
    }
}
