//! `GET /cards/{upn}`: an HTML preview of a user's profile card.
//!
//! The page follows the Microsoft 365 (Outlook) profile card: a header with the
//! person's initials, name and current position, a Skills section, and below it
//! "Awards and Certifications".  Each award or certification shows its title and
//! issuer; selecting it reveals the description, the date awarded and, for a
//! certification, its expiry (an expired one is marked "Expired").  Thumbnails
//! are drawn as a placeholder badge, as the service does whatever `thumbnailUrl`
//! says, so the page never loads anything from outside.
//!
//! The page is self-contained (inline CSS and a few lines of script run under a
//! per-response nonce) and every value taken from the directory or a facet is
//! HTML-escaped, so a display name holding `<script>` renders as text.

use std::fmt::Write as _;

use serde_json::Value;
use time::Date;
use time::macros::format_description;

/// What a card shows, gathered from the directory and the user's facets.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CardData {
    /// The user's display name (the UPN when the directory has none).
    pub display_name: String,
    /// The user principal name, shown under the position.
    pub user_principal_name: String,
    /// The mail address, when the directory has one.
    pub mail: Option<String>,
    /// Job title of the current position, if any.
    pub job_title: Option<String>,
    /// Company or department of the current position, if any.
    pub company: Option<String>,
    /// Skill names, in the order the facet lists them.
    pub skills: Vec<String>,
    /// Awards and certifications, newest first.
    pub achievements: Vec<Achievement>,
}

/// Whether an [`Achievement`] is an award or a certification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AchievementKind {
    /// An entry of the `awards` facet.
    Award,
    /// An entry of the `certifications` facet.
    Certification,
}

/// One award or certification as the card shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Achievement {
    /// Award or certification.
    pub kind: AchievementKind,
    /// The entry id, used to tie the row to its details.
    pub id: String,
    /// `displayName`.
    pub title: String,
    /// `issuingAuthority`, or for a certification `issuingCompany` when there
    /// is no authority.
    pub issuer: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `issuedDate`.
    pub issued: Option<Date>,
    /// `endDate` (certifications only).
    pub expires: Option<Date>,
    /// `certificationId` (certifications only).
    pub credential_id: Option<String>,
}

impl CardData {
    /// Builds the card from a directory user object (`displayName`,
    /// `userPrincipalName`, `mail`) and the entries of the user's `positions`,
    /// `skills`, `awards` and `certifications` facets, as stored JSON.
    pub fn from_facets(
        user: &Value,
        positions: &[Value],
        skills: &[Value],
        awards: &[Value],
        certifications: &[Value],
    ) -> CardData {
        let upn = text(user, "userPrincipalName").unwrap_or_default();
        let display_name = text(user, "displayName").unwrap_or_else(|| upn.clone());

        // The current position gives the header line; the service prefers the
        // entry marked current and falls back to the first one.
        let position = positions
            .iter()
            .find(|entry| entry.get("isCurrent") == Some(&Value::Bool(true)))
            .or_else(|| positions.first());
        let detail = position.and_then(|entry| entry.get("detail"));
        let job_title = detail.and_then(|detail| text(detail, "jobTitle"));
        let company = detail.and_then(|detail| detail.get("company")).and_then(|company| {
            text(company, "displayName").or_else(|| text(company, "department"))
        });

        let mut achievements: Vec<Achievement> = awards
            .iter()
            .map(|entry| Achievement::from_entry(AchievementKind::Award, entry))
            .chain(
                certifications
                    .iter()
                    .map(|entry| Achievement::from_entry(AchievementKind::Certification, entry)),
            )
            .collect();

        // Newest first; undated entries last, keeping their stored order.
        achievements.sort_by_key(|entry| std::cmp::Reverse(entry.issued));

        CardData {
            display_name,
            user_principal_name: upn,
            mail: text(user, "mail"),
            job_title,
            company,
            skills: skills.iter().filter_map(|entry| text(entry, "displayName")).collect(),
            achievements,
        }
    }
}

impl Achievement {
    fn from_entry(kind: AchievementKind, entry: &Value) -> Achievement {
        let issuer = text(entry, "issuingAuthority").or_else(|| match kind {
            AchievementKind::Certification => text(entry, "issuingCompany"),
            AchievementKind::Award => None,
        });
        let (expires, credential_id) = match kind {
            AchievementKind::Certification => {
                (date(entry, "endDate"), text(entry, "certificationId"))
            }
            AchievementKind::Award => (None, None),
        };
        Achievement {
            kind,
            id: text(entry, "id").unwrap_or_default(),
            title: text(entry, "displayName").unwrap_or_else(|| "(untitled)".to_owned()),
            issuer,
            description: text(entry, "description"),
            issued: date(entry, "issuedDate"),
            expires,
            credential_id,
        }
    }

    /// True when the certification's expiry lies before `today`.
    pub fn is_expired(&self, today: Date) -> bool {
        self.expires.is_some_and(|expires| expires < today)
    }
}

/// A non-empty string field of a JSON object.
fn text(value: &Value, name: &str) -> Option<String> {
    value.get(name)?.as_str().filter(|s| !s.trim().is_empty()).map(str::to_owned)
}

/// An Edm.Date field; a value that does not parse is left out rather than
/// shown wrongly.
fn date(value: &Value, name: &str) -> Option<Date> {
    let raw = value.get(name)?.as_str()?;
    Date::parse(raw, format_description!("[year]-[month]-[day]")).ok()
}

/// Escapes text for use in HTML content and in double-quoted attributes.
pub fn escape_html(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// "April 28, 2025", as the card writes dates.
fn long_date(date: Date) -> String {
    format!("{} {}, {}", date.month(), date.day(), date.year())
}

/// Up to two initials for the avatar: first letters of the first and last words.
fn initials(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let letters = match words.as_slice() {
        [] => Vec::new(),
        [one] => one.chars().take(1).collect(),
        [first, .., last] => {
            first.chars().take(1).chain(last.chars().take(1)).collect::<Vec<char>>()
        }
    };
    letters.into_iter().flat_map(char::to_uppercase).collect()
}

/// The Content-Security-Policy the card is served with: nothing may load from
/// anywhere, and only the page's own script (carrying `nonce`) may run.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
         script-src 'nonce-{nonce}'; base-uri 'none'; form-action 'none'"
    )
}

/// Renders the whole page.  `today` decides which certifications are expired;
/// `nonce` must be the one given to [`content_security_policy`].
pub fn render_card(card: &CardData, today: Date, nonce: &str) -> String {
    let name = escape_html(&card.display_name);
    let mut html = String::with_capacity(8 * 1024);

    html.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    html.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(html, "<title>{name} - profile card</title>");
    let _ = writeln!(html, "<style>{STYLE}</style>\n</head>\n<body>");
    html.push_str("<main class=\"card\" aria-label=\"Profile card\">\n");

    render_header(&mut html, card);
    render_skills(&mut html, card);
    render_achievements(&mut html, card, today);

    html.push_str("</main>\n");
    let _ = writeln!(html, "<script nonce=\"{}\">{SCRIPT}</script>", escape_html(nonce));
    html.push_str("</body>\n</html>\n");
    html
}

fn render_header(html: &mut String, card: &CardData) {
    html.push_str("<header class=\"head\">\n");
    let _ = writeln!(
        html,
        "<div class=\"avatar\" aria-hidden=\"true\">{}</div>",
        escape_html(&initials(&card.display_name))
    );
    html.push_str("<div class=\"who\">\n");
    let _ = writeln!(html, "<h1 id=\"name\">{}</h1>", escape_html(&card.display_name));
    let position = match (&card.job_title, &card.company) {
        (Some(title), Some(company)) => Some(format!("{title} \u{b7} {company}")),
        (Some(one), None) | (None, Some(one)) => Some(one.clone()),
        (None, None) => None,
    };
    if let Some(position) = position {
        let _ = writeln!(html, "<p class=\"position\">{}</p>", escape_html(&position));
    }
    let contact = card.mail.as_deref().unwrap_or(&card.user_principal_name);
    let _ = writeln!(html, "<p class=\"contact\">{}</p>", escape_html(contact));
    html.push_str("</div>\n</header>\n");
    html.push_str(
        "<nav class=\"tabs\" aria-label=\"Card sections\"><span class=\"tab active\">Overview\
         </span><span class=\"tab\">Contact</span><span class=\"tab\">Organization</span></nav>\n",
    );
}

fn render_skills(html: &mut String, card: &CardData) {
    html.push_str("<section class=\"section\" id=\"skills\" aria-labelledby=\"skills-h\">\n");
    html.push_str("<h2 id=\"skills-h\">Skills</h2>\n");
    if card.skills.is_empty() {
        html.push_str("<p class=\"empty\">No skills listed</p>\n");
    } else {
        html.push_str("<ul class=\"chips\">");
        for skill in &card.skills {
            let _ = write!(html, "<li class=\"chip\">{}</li>", escape_html(skill));
        }
        html.push_str("</ul>\n");
    }
    html.push_str("</section>\n");
}

fn render_achievements(html: &mut String, card: &CardData, today: Date) {
    html.push_str(
        "<section class=\"section\" id=\"achievements\" aria-labelledby=\"achievements-h\">\n",
    );
    html.push_str("<h2 id=\"achievements-h\">Awards and Certifications</h2>\n");
    if card.achievements.is_empty() {
        html.push_str("<p class=\"empty\">No awards or certifications</p>\n");
    }
    html.push_str("<ul class=\"entries\">\n");
    for (index, entry) in card.achievements.iter().enumerate() {
        render_achievement(html, entry, index, today);
    }
    html.push_str("</ul>\n</section>\n");
}

fn render_achievement(html: &mut String, entry: &Achievement, index: usize, today: Date) {
    let kind = match entry.kind {
        AchievementKind::Award => "award",
        AchievementKind::Certification => "certification",
    };
    let details_id = format!("details-{index}");
    let expired = entry.is_expired(today);

    let _ = writeln!(
        html,
        "<li class=\"entry {kind}{}\" data-kind=\"{kind}\" data-entry-id=\"{}\">",
        if expired { " expired" } else { "" },
        escape_html(&entry.id)
    );
    let _ = write!(
        html,
        "<button type=\"button\" class=\"summary\" aria-expanded=\"false\" \
         aria-controls=\"{details_id}\">{BADGE}<span class=\"text\">\
         <span class=\"title\">{}</span>",
        escape_html(&entry.title)
    );
    if let Some(issuer) = &entry.issuer {
        let _ = write!(html, "<span class=\"issuer\">{}</span>", escape_html(issuer));
    }
    html.push_str("</span>");
    if expired {
        html.push_str("<span class=\"flag\">Expired</span>");
    }
    html.push_str("</button>\n");

    let _ = writeln!(html, "<div class=\"details\" id=\"{details_id}\" hidden>");
    if let Some(description) = &entry.description {
        let _ = writeln!(html, "<p class=\"description\">{}</p>", escape_html(description));
    }
    html.push_str("<dl>");
    let awarded = entry.issued.map(long_date).unwrap_or_else(|| "Not given".to_owned());
    let _ = write!(html, "<dt>Date awarded</dt><dd class=\"issued\">{awarded}</dd>");
    if entry.kind == AchievementKind::Certification {
        let expiry = match entry.expires {
            Some(date) if expired => format!("Expired {}", long_date(date)),
            Some(date) => long_date(date),
            None => "Does not expire".to_owned(),
        };
        let _ = write!(html, "<dt>Expires</dt><dd class=\"expires\">{expiry}</dd>");
        if let Some(credential) = &entry.credential_id {
            let _ = write!(html, "<dt>Credential ID</dt><dd>{}</dd>", escape_html(credential));
        }
    }
    html.push_str("</dl>\n</div>\n</li>\n");
}

/// The placeholder the service shows instead of any thumbnail: a ribbon badge.
const BADGE: &str = "<svg class=\"badge\" viewBox=\"0 0 32 32\" aria-hidden=\"true\">\
<circle cx=\"16\" cy=\"13\" r=\"9\" fill=\"#e8ebfa\" stroke=\"#5b5fc7\" stroke-width=\"2\"/>\
<path d=\"M11 20l-3 9 5-2 3 4 2-9M21 20l3 9-5-2-3 4\" fill=\"#5b5fc7\"/>\
<circle cx=\"16\" cy=\"13\" r=\"4\" fill=\"#5b5fc7\"/></svg>";

/// Toggles an entry's details; one entry is open at a time, as on the card.
const SCRIPT: &str = r#"
document.querySelectorAll('.entry .summary').forEach(function (button) {
  button.addEventListener('click', function () {
    var open = button.getAttribute('aria-expanded') === 'true';
    document.querySelectorAll('.entry .summary').forEach(function (other) {
      other.setAttribute('aria-expanded', 'false');
      document.getElementById(other.getAttribute('aria-controls')).hidden = true;
      other.parentElement.classList.remove('selected');
    });
    if (!open) {
      button.setAttribute('aria-expanded', 'true');
      document.getElementById(button.getAttribute('aria-controls')).hidden = false;
      button.parentElement.classList.add('selected');
    }
  });
});
"#;

const STYLE: &str = r#"
* { box-sizing: border-box; }
body { margin: 0; padding: 24px; background: #f5f5f5; color: #242424;
  font: 14px/20px "Segoe UI", "Segoe UI Web", -apple-system, Roboto, "Helvetica Neue", sans-serif; }
.card { width: 400px; background: #fff; border-radius: 8px; overflow: hidden;
  box-shadow: 0 8px 16px rgba(0,0,0,.14), 0 0 2px rgba(0,0,0,.12); }
.head { display: flex; gap: 16px; align-items: center; padding: 20px 20px 12px; }
.avatar { flex: none; width: 72px; height: 72px; border-radius: 50%; background: #5b5fc7;
  color: #fff; font-size: 28px; font-weight: 600; display: flex; align-items: center;
  justify-content: center; }
.who { min-width: 0; }
.who h1 { margin: 0; font-size: 20px; line-height: 28px; font-weight: 600; overflow-wrap: anywhere; }
.who p { margin: 2px 0 0; color: #616161; overflow-wrap: anywhere; }
.tabs { display: flex; gap: 20px; padding: 0 20px; border-bottom: 1px solid #e0e0e0; }
.tab { padding: 8px 0; color: #616161; }
.tab.active { color: #242424; font-weight: 600; border-bottom: 2px solid #5b5fc7; }
.section { padding: 12px 20px 16px; border-bottom: 1px solid #f0f0f0; }
.section h2 { margin: 0 0 10px; font-size: 14px; font-weight: 600; }
.empty { margin: 0; color: #707070; }
.chips { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 6px; }
.chip { padding: 2px 10px; border-radius: 12px; background: #f0f0f0; border: 1px solid #e0e0e0; }
.entries { list-style: none; margin: 0; padding: 0; }
.entry { border-radius: 6px; }
.entry.selected { background: #f5f5f5; }
.summary { display: flex; align-items: center; gap: 12px; width: 100%; padding: 8px;
  border: 0; background: none; text-align: left; font: inherit; color: inherit; cursor: pointer;
  border-radius: 6px; }
.summary:hover { background: #f0f0f0; }
.summary:focus-visible { outline: 2px solid #5b5fc7; }
.badge { flex: none; width: 32px; height: 32px; }
.text { display: flex; flex-direction: column; min-width: 0; flex: 1; }
.title { font-weight: 600; overflow-wrap: anywhere; }
.issuer { color: #616161; font-size: 12px; overflow-wrap: anywhere; }
.flag { flex: none; padding: 0 8px; border-radius: 10px; background: #fde7e9; color: #b10e1c;
  font-size: 12px; font-weight: 600; }
.details { padding: 0 8px 10px 52px; color: #424242; }
.details p { margin: 0 0 6px; overflow-wrap: anywhere; white-space: pre-line; }
.details dl { margin: 0; display: grid; grid-template-columns: auto 1fr; gap: 2px 12px; font-size: 12px; }
.details dt { color: #707070; }
.details dd { margin: 0; }
.expired .expires { color: #b10e1c; font-weight: 600; }
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::date;

    fn sample() -> CardData {
        CardData::from_facets(
            &json!({"displayName": "Adele Vance", "userPrincipalName": "adele@contoso.com"}),
            &[json!({"isCurrent": true, "detail": {"jobTitle": "Retail Manager",
                "company": {"displayName": "Contoso"}}})],
            &[json!({"displayName": "Rust"}), json!({"displayName": "Negotiation"})],
            &[json!({"id": "a1", "displayName": "Employee of the Year",
                "issuingAuthority": "Contoso", "issuedDate": "2024-12-01"})],
            &[
                json!({"id": "c1", "displayName": "Azure Fundamentals",
                    "issuingCompany": "Microsoft", "issuedDate": "2023-01-10",
                    "endDate": "2024-01-10"}),
                json!({"id": "c2", "displayName": "Security Engineer",
                    "issuingAuthority": "Microsoft", "issuedDate": "2025-02-03",
                    "endDate": "2027-02-03"}),
            ],
        )
    }

    #[test]
    fn gathers_header_skills_and_newest_first() {
        let card = sample();
        assert_eq!(card.job_title.as_deref(), Some("Retail Manager"));
        assert_eq!(card.company.as_deref(), Some("Contoso"));
        assert_eq!(card.skills, ["Rust", "Negotiation"]);
        let ids: Vec<_> = card.achievements.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["c2", "a1", "c1"]);
        assert_eq!(card.achievements[2].issuer.as_deref(), Some("Microsoft"));
    }

    #[test]
    fn marks_expired_certifications_only() {
        let html = render_card(&sample(), date!(2025 - 06 - 01), "n0nce");
        assert_eq!(html.matches("<span class=\"flag\">Expired</span>").count(), 1);
        assert!(html.contains("Expired January 10, 2024"));
        assert!(html.contains("February 3, 2027"));
        assert!(html.contains("December 1, 2024"));
    }

    #[test]
    fn skills_come_before_awards_and_certifications() {
        let html = render_card(&sample(), date!(2025 - 06 - 01), "n");
        let skills = html.find("<h2 id=\"skills-h\">Skills</h2>").unwrap();
        let awards = html.find("Awards and Certifications</h2>").unwrap();
        assert!(skills < awards);
    }

    #[test]
    fn escapes_every_value() {
        let card = CardData::from_facets(
            &json!({"displayName": "<script>alert(1)</script>", "userPrincipalName": "x@y"}),
            &[],
            &[json!({"displayName": "<img src=x onerror=alert(2)>"})],
            &[json!({"id": "\"><b>", "displayName": "A & B", "description": "</p><script>"})],
            &[],
        );
        let html = render_card(&card, date!(2025 - 06 - 01), "n");
        assert!(!html.contains("<script>alert"));
        assert!(!html.contains("<img"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("data-entry-id=\"&quot;&gt;&lt;b&gt;\""));
        assert!(html.contains("A &amp; B"));
        // Only the page's own script element.
        assert_eq!(html.matches("<script").count(), 1);
    }

    #[test]
    fn initials_of_names() {
        assert_eq!(initials("Adele Vance"), "AV");
        assert_eq!(initials("megan"), "M");
        assert_eq!(initials("Ann van der Berg"), "AB");
        assert_eq!(initials(""), "");
    }
}
