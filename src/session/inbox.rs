//! The inbox as the front ends ask for it: the workspace's inbox folder
//! told apart from the persons, and its photos with the saved classifier's
//! predictions (see [`crate::inbox`]), so `report`, `classify --inbox` and
//! the TUI show the same answers.

use super::events::Event;
use super::open::Session;
use crate::inbox::{self, InboxPhoto};
use crate::records::PhotoRecord;
use std::path::Path;

impl Session {
    /// The inbox folder's name in the dataset (the workspace's `inbox`).
    pub fn inbox_name(&self) -> &str {
        &self.ws.inbox
    }

    /// `(persons, inbox)`: the inbox's photos taken out of `records`, so the
    /// analysis and the classifier never take the inbox for a person.
    pub fn split_inbox(&self, records: Vec<PhotoRecord>) -> (Vec<PhotoRecord>, Vec<PhotoRecord>) {
        inbox::split(records, &self.ws.inbox)
    }

    /// Whether `changes` touched only the inbox: no label changed, so the
    /// classifier need not retrain (the inbox is predicted again anyway).
    pub fn only_inbox(&self, changes: &crate::dataset::Changes) -> bool {
        !changes.persons.is_empty() && changes.persons.iter().all(|p| *p == self.ws.inbox)
    }

    /// The inbox photos with the predictions of the classifier saved in
    /// `dir` (default: the workspace's); without a usable classifier every
    /// photo is `unknown` with a note saying why (and a classifier that
    /// cannot be read is also warned about).
    pub fn inbox_predictions(&self, inbox: &[PhotoRecord], dir: Option<&Path>) -> Vec<InboxPhoto> {
        // The TUI asks on every refresh: no inbox, no model to read.
        if inbox.is_empty() {
            return Vec::new();
        }
        let saved = crate::classify::model_file::path_in(&self.classifier_dir(dir));
        let model = if saved.exists() {
            match self.classifier(dir) {
                Ok((model, _)) => Some(model),
                Err(e) => {
                    self.emit(Event::Warning(format!("inbox: {e}")));
                    None
                }
            }
        } else {
            None
        };
        // The workspace's thresholds without the note `settings` adds.
        let link = match crate::analysis::embedder_scale::workspace_settings(&self.ws) {
            Ok((settings, _)) => inbox::group_link(&settings),
            Err(_) => inbox::group_link(&crate::analysis::Settings::default()),
        };
        inbox::predict(model.as_ref(), inbox, link)
    }
}
