//! The pipeline of the photo commands (`compare`, `embed`, `verify`,
//! `detect`, `align`, `bench`, `demo`, bare-folder `report`/`train`),
//! taken from the session so provisioning, the runtime and the worker pool
//! are decided in one place.

use super::global::GlobalArgs;
use super::progress::{bar_style, spinner};
use super::session::{self, Printer};
use anyhow::Result;
use facecurate::models::Source;
use facecurate::pipeline::PipelineConfig;
use facecurate::runtime::Runtime;
use facecurate::session::Session;
use indicatif::ProgressBar;

/// Everything a pipeline command needs.
pub struct Ready {
    pub session: Session,
    pub runtime: Runtime,
    pub config: PipelineConfig,
}

/// Fetches each named artifact that is missing, with a spinner.
pub fn ensure(session: &Session, names: &[&str]) -> Result<()> {
    ensure_from(session, names, &Source::Network)
}

/// [`ensure`] from a chosen source (`models fetch --from DIR`).
pub fn ensure_from(session: &Session, names: &[&str], source: &Source) -> Result<()> {
    let bar = spinner();
    let result = session.provision_from(names, source);
    bar.finish_and_clear();
    Ok(result?)
}

/// The built-in models (YuNet + SFace), loaded: the photo tools take their
/// models on the command line, not from a workspace.
pub fn ready(cli: &GlobalArgs) -> Result<Ready> {
    let session = session::bare(cli, &Printer::default())?;
    let pipeline = session.pipeline()?;
    Ok(Ready::new(session, pipeline))
}

/// [`ready`] for a command that chooses its own models: none is fetched
/// (the command fetches its own) and nothing is logged until it names
/// them with [`Ready::announce`].
pub fn ready_unannounced(cli: &GlobalArgs) -> Result<Ready> {
    let session = session::bare(cli, &Printer::default())?;
    let pipeline = session.pipeline_unannounced()?;
    Ok(Ready::new(session, pipeline))
}

impl Ready {
    fn new(session: Session, pipeline: facecurate::session::Pipeline) -> Ready {
        Ready {
            runtime: pipeline.runtime,
            config: pipeline.config,
            session,
        }
    }

    /// Logs the models the command runs, with the provider and the pool.
    pub fn announce(&self, models: &str) {
        self.session.announce(&self.runtime, &self.config, models);
    }
}

/// Every photo of a dataset folder run through the pipeline without a
/// store, with a progress bar (for `report DATASET`, `train DATASET`, `demo`).
pub fn folder_records(
    session: &Session,
    dataset: &std::path::Path,
) -> Result<Vec<facecurate::records::PhotoRecord>> {
    let bar = ProgressBar::new(0);
    bar.set_style(bar_style());
    let records = session.folder_records(
        dataset,
        &std::sync::atomic::AtomicBool::new(false),
        &mut |done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        },
    )?;
    bar.finish_and_clear();
    Ok(records)
}
