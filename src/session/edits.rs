//! The journaled label edits on the session's dataset: the journal opened
//! (finishing or rolling back whatever a crash interrupted) over the store,
//! for one batch of operations at a time.

use super::error::SessionError;
use super::open::Session;
use crate::ops::Ops;

impl Session {
    /// Runs `edit` on the dataset's operations; also returns what was
    /// recovered from an interrupted earlier edit, for the person to read.
    pub fn edit<T, E>(
        &self,
        edit: impl FnOnce(&mut Ops<'_>) -> Result<T, E>,
    ) -> Result<(T, Vec<String>), E>
    where
        E: From<SessionError>,
    {
        let mut store = self.store(false).map_err(E::from)?;
        let (mut ops, recovered) = Ops::open(
            &self.ws.dataset,
            &self.ws.journal_dir(),
            &self.ws.trash_dir(),
            &mut store,
        )
        .map_err(|e| E::from(e.into()))?;
        Ok((edit(&mut ops)?, recovered))
    }

    /// Finishes (or rolls back) an edit a crash interrupted; the lines say
    /// what was done.
    pub fn recover(&self) -> Result<Vec<String>, SessionError> {
        self.edit(|_| Ok::<(), SessionError>(()))
            .map(|(_, lines)| lines)
    }
}
