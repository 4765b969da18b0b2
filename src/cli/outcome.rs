//! How a command ends: its outcome (exit 0, or 1 for "ran but found
//! failures"; errors exit 2) and an error's text for the person.

/// Outcome of a command that ran: success or "found failures".
pub enum Outcome {
    Ok,
    Failures,
}

/// An error and its causes on one line, each cause once: many errors
/// already quote their source (`store.sqlite: the disk is full`), and
/// `{:#}` would repeat it, sometimes twice.
pub fn error_text(err: &anyhow::Error) -> String {
    let mut text = err.to_string();
    for cause in err.chain().skip(1) {
        let cause = cause.to_string();
        let last_part = cause.rsplit(": ").next().unwrap_or(&cause);
        if !text.contains(&cause) && !text.contains(last_part) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}
