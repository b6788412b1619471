//! The core's field table, handed to Python so the model classes are built from the
//! same single description the validation and the emulator use.

use graph_profile::FacetKind;
use graph_profile::schema::{self, FieldType};
use pyo3::prelude::*;

/// One field as Python sees it: `(json name, type, required, read-only, enum members)`.
type FieldRow = (&'static str, &'static str, bool, bool, Vec<&'static str>);

/// One facet: `(collection, entity type, fields)`.
type FacetRow = (&'static str, &'static str, Vec<FieldRow>);

/// The name Python uses for a field type, and the enum members where it has any.
fn type_row(ty: FieldType) -> (&'static str, Vec<&'static str>) {
    match ty {
        FieldType::String => ("string", Vec::new()),
        FieldType::Url => ("url", Vec::new()),
        FieldType::Email => ("email", Vec::new()),
        FieldType::Bool => ("bool", Vec::new()),
        FieldType::Double => ("double", Vec::new()),
        FieldType::Date => ("date", Vec::new()),
        FieldType::DateTime => ("datetime", Vec::new()),
        FieldType::Enum(members) => ("enum", members.to_vec()),
        FieldType::StringList => ("string_list", Vec::new()),
        FieldType::EnumList(members) => ("enum_list", members.to_vec()),
        FieldType::Audiences => ("audiences", Vec::new()),
        FieldType::Object => ("object", Vec::new()),
        FieldType::ObjectList => ("object_list", Vec::new()),
    }
}

/// Every facet with its fields, shared fields first, in the reference's order.
#[pyfunction]
pub fn facet_schema() -> Vec<FacetRow> {
    FacetKind::ALL
        .into_iter()
        .map(|kind| {
            let fields = schema::fields(kind)
                .map(|spec| {
                    let (ty, members) = type_row(spec.ty);
                    (spec.name, ty, spec.required, spec.read_only, members)
                })
                .collect();
            (kind.collection(), kind.entity_type(), fields)
        })
        .collect()
}
