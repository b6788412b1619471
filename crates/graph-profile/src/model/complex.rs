//! The complex values nested inside facets (`positionDetail`, `physicalAddress`, …),
//! each field as Microsoft's Graph beta documentation lists it.
//!
//! Every struct keeps the JSON fields it does not know in `extra`, so a newer service's
//! additions survive a read-modify-write.  A field written as `null` reads as absent and
//! is left out when written back, as for the facets themselves.

use serde_json::{Map, Value};

use super::{BodyType, Date, Extensible, PersonRelationship, PhysicalAddressType};

/// Declares one complex type: every field optional (the service leaves out what is not
/// set), camel-case JSON names, and the unknown-field bag.
macro_rules! complex_type {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            $(
                $(#[$fmeta])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
            /// JSON fields this version does not know, kept as they came.
            #[serde(flatten)]
            pub extra: Map<String, Value>,
        }
    };
}

complex_type! {
    /// A postal address (`physicalAddress`).
    PhysicalAddress {
        /// The city (`city`).
        city: String,
        /// The country or region, free text such as "United States" (`countryOrRegion`).
        country_or_region: String,
        /// The postal code (`postalCode`).
        postal_code: String,
        /// The post office box (`postOfficeBox`).
        post_office_box: String,
        /// The state (`state`).
        state: String,
        /// The street (`street`).
        street: String,
        /// What kind of address it is (`type`).
        #[serde(rename = "type")]
        kind: Extensible<PhysicalAddressType>,
    }
}

complex_type! {
    /// A place on the map (`geoCoordinates`).
    ///
    /// Numbers are read as `f64`: an integer such as `60` is written back as `60.0`.
    GeoCoordinates {
        /// Height above sea level, in feet (`altitude`).
        altitude: f64,
        /// Latitude in decimal degrees (`latitude`).
        latitude: f64,
        /// Longitude in decimal degrees (`longitude`).
        longitude: f64,
    }
}

complex_type! {
    /// A company or employer (`companyDetail`).
    CompanyDetail {
        /// The company's address (`address`).
        address: PhysicalAddress,
        /// Legal entity number of the company or its subdivision (`companyCode`).
        company_code: String,
        /// The cost center (`costCenter`).
        cost_center: String,
        /// The department (`department`).
        department: String,
        /// The company's name (`displayName`).
        display_name: String,
        /// The division (`division`).
        division: String,
        /// The office of the person (`officeLocation`).
        office_location: String,
        /// How to say the company's name (`pronunciation`).
        pronunciation: String,
        /// A second department (`secondaryDepartment`).
        secondary_department: String,
        /// The company's home page (`webUrl`).
        web_url: String,
    }
}

complex_type! {
    /// A job or a part in a project (`positionDetail`).
    PositionDetail {
        /// The employer (`company`).
        company: CompanyDetail,
        /// Free text about the position (`description`).
        description: String,
        /// The employee's identifier (`employeeId`).
        employee_id: String,
        /// The kind of employment (`employeeType`).
        employee_type: String,
        /// When the position ended (`endMonthYear`, Edm.Date).
        end_month_year: Date,
        /// The job title (`jobTitle`).
        job_title: String,
        /// Where the employee sits in the hierarchy (`layer`, Int32).
        layer: i32,
        /// Experience or management level (`level`).
        level: String,
        /// The role (`role`).
        role: String,
        /// A second job title (`secondaryJobTitle`).
        secondary_job_title: String,
        /// A second role (`secondaryRole`).
        secondary_role: String,
        /// When the position started (`startMonthYear`, Edm.Date).
        start_month_year: Date,
        /// A summary of the position (`summary`).
        summary: String,
    }
}

complex_type! {
    /// A person related to a profile entry: manager, colleague, sponsor (`relatedPerson`).
    RelatedPerson {
        /// The person's name (`displayName`).
        display_name: String,
        /// How the person stands to the user (`relationship`).
        relationship: Extensible<PersonRelationship>,
        /// Free text about the relationship, beyond `relationship` (`relationshipLabel`).
        relationship_label: String,
        /// The person's directory object id (`userId`).
        user_id: String,
        /// The person's e-mail address or UPN (`userPrincipalName`).
        user_principal_name: String,
    }
}

complex_type! {
    /// A school or other institution (`institutionData`).
    InstitutionData {
        /// Free text about it (`description`).
        description: String,
        /// Its name (`displayName`).
        display_name: String,
        /// Where it is (`location`).
        location: PhysicalAddress,
        /// Its home page (`webUrl`).
        web_url: String,
    }
}

complex_type! {
    /// A degree or programme of study (`educationalActivityDetail`).
    EducationalActivityDetail {
        /// Short name such as "MBA" (`abbreviation`).
        abbreviation: String,
        /// Extracurricular activities (`activities`).
        activities: Vec<String>,
        /// Awards or honours (`awards`).
        awards: Vec<String>,
        /// Free text about it (`description`).
        description: String,
        /// Its full name (`displayName`).
        display_name: String,
        /// Majors and minors (`fieldsOfStudy`).
        fields_of_study: Vec<String>,
        /// Final grade, class or GPA (`grade`).
        grade: String,
        /// More notes (`notes`).
        notes: String,
        /// Its page (`webUrl`).
        web_url: String,
    }
}

complex_type! {
    /// How to say a name (`personNamePronunciation`; `yomiPersonName` in older docs).
    PersonNamePronunciation {
        /// The whole name (`displayName`).
        display_name: String,
        /// Given name (`first`).
        first: String,
        /// Family name (`last`).
        last: String,
        /// Maiden name (`maiden`).
        maiden: String,
        /// Middle name (`middle`).
        middle: String,
    }
}

complex_type! {
    /// A text body (`itemBody`).
    ItemBody {
        /// The text (`content`).
        content: String,
        /// Whether it is plain text or HTML (`contentType`).
        content_type: Extensible<BodyType>,
    }
}

complex_type! {
    /// Another web service (`serviceInformation`).
    ServiceInformation {
        /// The service's name, such as "GitHub" (`name`).
        name: String,
        /// The service's address (`webUrl`).
        web_url: String,
    }
}

complex_type! {
    /// A language and its name (`localeInfo`).
    LocaleInfo {
        /// The language's name, such as "English (United States)" (`displayName`).
        display_name: String,
        /// The language, BCP 47, such as "en-US" (`locale`).
        locale: String,
    }
}

complex_type! {
    /// Where a guest account comes from (`originTenantInfo`).
    OriginTenantInfo {
        /// The tenant the account was first provisioned in (`originTenantId`).
        origin_tenant_id: String,
        /// The user's id in that tenant (`originUserId`).
        origin_user_id: String,
    }
}
