//! The typed front: one facet of one user, with the model structs of [`crate::model`].

use std::marker::PhantomData;

use futures::{Stream, StreamExt};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::http::Answer;
use super::{Client, ListQuery, UserRef, json_body};
use crate::error::{Error, ErrorKind};
use crate::model::{Award, Certification, Facet};

/// The entries of one facet of one user, as typed structs: drafts in, entries out.
///
/// Everything goes through the same JSON operations as [`Client::create`] and the
/// rest, so validation, retries and the duplicate-free create apply alike.
pub struct FacetApi<F: Facet> {
    client: Client,
    user: UserRef,
    facet: PhantomData<fn() -> F>,
}

impl<F: Facet> Clone for FacetApi<F> {
    fn clone(&self) -> Self {
        FacetApi { client: self.client.clone(), user: self.user.clone(), facet: PhantomData }
    }
}

impl<F: Facet> std::fmt::Debug for FacetApi<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FacetApi").field("facet", &F::KIND).finish_non_exhaustive()
    }
}

impl<F: Facet> FacetApi<F> {
    /// The user this front works on.
    pub fn user(&self) -> &UserRef {
        &self.user
    }

    /// Every entry, following each `@odata.nextLink`.
    pub async fn list(&self, query: &ListQuery) -> Result<Vec<F>, Error> {
        let entries = self.client.list(&self.user, F::KIND, query).await?;
        entries.into_iter().map(from_json::<F>).collect()
    }

    /// The entries page by page.
    pub fn list_pages(
        &self,
        query: &ListQuery,
    ) -> impl Stream<Item = Result<Vec<F>, Error>> + Send + 'static {
        self.client
            .list_pages(&self.user, F::KIND, query)
            .map(|page| page.and_then(|entries| entries.into_iter().map(from_json::<F>).collect()))
    }

    /// One entry by id.
    pub async fn get(&self, id: &str) -> Result<F, Error> {
        from_answer(&self.client.get_answer(&self.user, F::KIND, id, &[]).await?)
    }

    /// Creates an entry from a draft; see [`Client::create`].
    pub async fn create(&self, draft: &F::Draft) -> Result<F, Error> {
        let draft = to_json::<F, _>(draft)?;
        from_answer(&self.client.create_answer(&self.user, F::KIND, draft).await?)
    }

    /// Sends the fields the patch sets and returns the whole updated entry.
    pub async fn update(&self, id: &str, patch: &F::Patch) -> Result<F, Error> {
        let patch = to_json::<F, _>(patch)?;
        from_answer(&self.client.update_answer(&self.user, F::KIND, id, patch).await?)
    }

    /// Deletes an entry.
    pub async fn delete(&self, id: &str) -> Result<(), Error> {
        self.client.delete(&self.user, F::KIND, id).await
    }
}

impl Client {
    /// The certifications of `user`, typed.
    pub fn certifications(&self, user: UserRef) -> FacetApi<Certification> {
        self.facet(user)
    }

    /// The awards of `user`, typed.
    pub fn awards(&self, user: UserRef) -> FacetApi<Award> {
        self.facet(user)
    }

    /// Any facet of `user`, typed: `client.facet::<Skill>(user)`.
    pub fn facet<F: Facet>(&self, user: UserRef) -> FacetApi<F> {
        FacetApi { client: self.clone(), user, facet: PhantomData }
    }
}

fn to_json<F: Facet, T: Serialize>(value: &T) -> Result<Value, Error> {
    serde_json::to_value(value).map_err(|e| {
        Error::new(ErrorKind::Validation, format!("cannot write the {}: {e}", F::KIND))
            .with_facet(F::KIND)
    })
}

/// Reads the entry straight from the answer's bytes, without a `Value` in between.
fn from_answer<F: Facet>(answer: &Answer) -> Result<F, Error> {
    json_body(answer).map_err(|e| e.with_facet(F::KIND))
}

fn from_json<F: Facet + DeserializeOwned>(value: Value) -> Result<F, Error> {
    serde_json::from_value(value).map_err(|e| {
        Error::new(
            ErrorKind::Service,
            format!("the service sent a {} entry that does not read: {e}", F::KIND),
        )
        .with_facet(F::KIND)
    })
}
