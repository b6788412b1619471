//! `graph-profile cert|award|facet`: list, get, create, update and delete entries.

use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use graph_profile::sync::desired::field_from_text;
use graph_profile::sync::render::{Table, rows_to_csv, short_value};
use graph_profile::{FacetKind, ListQuery, UserRef, schema};
use serde_json::{Map, Value};

use crate::output::{Output, print_json};
use crate::signin::SignIn;

/// What to do with a facet's entries.
#[derive(Debug, Subcommand)]
pub enum EntryCommand {
    /// List a user's entries (every page).
    ///
    /// Example: graph-profile cert list --user adele.vance@contoso.com
    #[command(verbatim_doc_comment)]
    List {
        #[command(flatten)]
        target: Target,
        /// OData filter, e.g. "issuingAuthority eq 'Microsoft'".
        #[arg(long)]
        filter: Option<String>,
        /// Order, e.g. "displayName desc".
        #[arg(long)]
        orderby: Option<String>,
    },

    /// Show one entry.
    ///
    /// Example: graph-profile cert get --user adele.vance@contoso.com 3f2a…
    #[command(verbatim_doc_comment)]
    Get {
        #[command(flatten)]
        target: Target,
        /// The entry's id.
        id: String,
    },

    /// Create an entry from --set field=value pairs and/or --json.
    ///
    /// Example: graph-profile cert create --user adele.vance@contoso.com \
    ///            --set displayName="Azure Administrator" --set issuingAuthority=Microsoft \
    ///            --set endDate=2027-01-31
    #[command(verbatim_doc_comment)]
    Create {
        #[command(flatten)]
        target: Target,
        #[command(flatten)]
        body: Body,
    },

    /// Change the fields given; the others keep their values.
    ///
    /// Example: graph-profile cert update --user adele.vance@contoso.com ID --set endDate=2028-01-31
    #[command(verbatim_doc_comment)]
    Update {
        #[command(flatten)]
        target: Target,
        /// The entry's id.
        id: String,
        #[command(flatten)]
        body: Body,
    },

    /// Delete an entry.
    ///
    /// Example: graph-profile award delete --user adele.vance@contoso.com ID
    #[command(verbatim_doc_comment)]
    Delete {
        #[command(flatten)]
        target: Target,
        /// The entry's id.
        id: String,
    },
}

/// Whose entries, and how to print them.
#[derive(Debug, Args)]
pub struct Target {
    /// The user: a UPN, an object id, or `me`.
    #[arg(long, short)]
    user: String,

    #[arg(long, short, value_enum, default_value = "table")]
    output: Output,

    #[command(flatten)]
    signin: SignIn,
}

/// The fields a create or update sends.
#[derive(Debug, Args)]
pub struct Body {
    /// A field as name=value (dates YYYY-MM-DD, lists a;b, nested values as JSON);
    /// repeat for more.  An empty value (name=) clears the field on update.
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    set: Vec<String>,

    /// A JSON object of fields (or @FILE to read one); --set values win.
    #[arg(long, value_name = "JSON")]
    json: Option<String>,
}

impl Body {
    fn fields(&self, kind: FacetKind, clearing: bool) -> anyhow::Result<Value> {
        let mut fields = match &self.json {
            Some(text) => {
                let text = match text.strip_prefix('@') {
                    Some(path) => {
                        std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?
                    }
                    None => text.clone(),
                };
                match serde_json::from_str(&text).context("--json")? {
                    Value::Object(map) => map,
                    _ => bail!("--json must be a JSON object"),
                }
            }
            None => Map::new(),
        };
        for pair in &self.set {
            let (name, text) = pair
                .split_once('=')
                .with_context(|| format!("--set {pair}: expected FIELD=VALUE"))?;
            if text.is_empty() && clearing {
                let (name, _) = field_from_text(kind, name, "x").unwrap_or((name, Value::Null));
                fields.insert(name.to_owned(), Value::Null);
                continue;
            }
            let (name, value) = field_from_text(kind, name, text)?;
            fields.insert(name.to_owned(), value);
        }
        if fields.is_empty() {
            bail!("nothing to send: give --set FIELD=VALUE or --json");
        }
        Ok(Value::Object(fields))
    }
}

pub fn run(kind: FacetKind, command: EntryCommand) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new()?;
    match command {
        EntryCommand::List { target, filter, orderby } => {
            let client = target.signin.client()?;
            let query = ListQuery { filter, orderby, ..ListQuery::default() };
            let user = UserRef::new(target.user.as_str());
            let entries = runtime.block_on(client.list(&user, kind, &query))?;
            print_entries(kind, &entries, target.output)?;
        }
        EntryCommand::Get { target, id } => {
            let client = target.signin.client()?;
            let user = UserRef::new(target.user.as_str());
            let entry = runtime.block_on(client.get(&user, kind, &id, &[]))?;
            print_entry(kind, entry, target.output)?;
        }
        EntryCommand::Create { target, body } => {
            let client = target.signin.client()?;
            let user = UserRef::new(target.user.as_str());
            let entry = runtime.block_on(client.create(&user, kind, body.fields(kind, false)?))?;
            print_entry(kind, entry, target.output)?;
        }
        EntryCommand::Update { target, id, body } => {
            let client = target.signin.client()?;
            let user = UserRef::new(target.user.as_str());
            let entry =
                runtime.block_on(client.update(&user, kind, &id, body.fields(kind, true)?))?;
            print_entry(kind, entry, target.output)?;
        }
        EntryCommand::Delete { target, id } => {
            let client = target.signin.client()?;
            let user = UserRef::new(target.user.as_str());
            runtime.block_on(client.delete(&user, kind, &id))?;
            if target.output == Output::Json {
                print_json(&serde_json::json!({ "deleted": id }))?;
            } else {
                println!("deleted {kind} entry {id}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Columns shown in a table: the id and the facet's own simple fields, at most six.
fn table_columns(kind: FacetKind) -> Vec<&'static str> {
    let simple = schema::own_fields(kind).iter().filter(|spec| {
        !matches!(spec.ty, schema::FieldType::Object | schema::FieldType::ObjectList)
            && !matches!(spec.name, "description" | "thumbnailUrl" | "webUrl")
    });
    std::iter::once("id").chain(simple.map(|spec| spec.name)).take(7).collect()
}

/// One entry (get, create, update): a JSON object, or a table or CSV of one row.
fn print_entry(kind: FacetKind, entry: Value, output: Output) -> anyhow::Result<()> {
    match output {
        Output::Json => print_json(&entry),
        _ => print_entries(kind, &[entry], output),
    }
}

/// A list: always a JSON array, even of one entry or none, so scripts need no special case.
fn print_entries(kind: FacetKind, entries: &[Value], output: Output) -> anyhow::Result<()> {
    match output {
        Output::Json => print_json(&entries),
        Output::Table => {
            let columns = table_columns(kind);
            let mut table = Table::with_header(columns.iter().map(|c| c.to_string()).collect());
            for entry in entries {
                table.push(columns.iter().map(|c| cell(entry.get(*c))).collect());
            }
            print!("{}", table.render());
            println!("{} {kind} entries", entries.len());
            Ok(())
        }
        Output::Csv => {
            let columns: Vec<String> = std::iter::once("id")
                .chain(schema::own_fields(kind).iter().map(|spec| spec.name))
                .chain(["allowedAudiences", "createdDateTime", "lastModifiedDateTime"])
                .map(str::to_owned)
                .collect();
            let rows: Vec<Vec<String>> = entries
                .iter()
                .map(|entry| columns.iter().map(|c| cell(entry.get(c))).collect())
                .collect();
            print!("{}", rows_to_csv(&columns, &rows));
            Ok(())
        }
    }
}

/// A value as a cell: text as is, lists of text as `a;b`, nested values as JSON,
/// nothing for null.
fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => {
            short_value(&Value::Array(items.clone()))
        }
        Some(value @ (Value::Object(_) | Value::Array(_))) => value.to_string(),
        Some(value) => short_value(value),
    }
}
