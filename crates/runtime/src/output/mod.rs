//! Alerts: rule priorities, rule outputs rendered with event fields, alerts printed as Falco
//! prints them (text line or `json_output` JSON), and the sinks that deliver them.
//!
//! The engine parses each rule's `output` once into an [`OutputTemplate`] (the loader checks
//! [`OutputTemplate::fields`] against the source's field registry), renders it for every
//! matching event with a resolver over the event's fields, wraps the result in an [`Alert`]
//! and hands it to [`Sinks`]: a [`WriterSink`] (stdout), a [`FileSink`], an [`HttpSink`].
//! This module knows nothing of conditions or event sources; fields arrive as
//! [`FieldValue`]s through the resolver.
//!
//! ```
//! use custody_runtime::output::{Alert, AlertDetails, FieldValue, OutputTemplate, Priority};
//!
//! let template = OutputTemplate::parse("Pod exec (user=%ka.user.name pod=%ka.target.name)")?;
//! let rendered = template.render(|field, _argument| match field {
//!     "ka.user.name" => Some(FieldValue::from("alice")),
//!     _ => None,
//! });
//! assert_eq!(rendered.message, "Pod exec (user=alice pod=<NA>)");
//!
//! let alert = Alert::new(rendered, AlertDetails {
//!     time: "2023-05-25T13:44:05.478445995Z".parse()?,
//!     rule: "Attach/Exec Pod".to_owned(),
//!     priority: "notice".parse()?,
//!     source: "k8s_audit".to_owned(),
//!     tags: ["k8s".to_owned()].into(),
//!     hostname: "node-1".to_owned(),
//! });
//! assert_eq!(alert.priority, Priority::Notice);
//! assert_eq!(alert.output(), "13:44:05.478445995: Notice Pod exec (user=alice pod=<NA>)");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod alert;
mod http;
mod priority;
mod sink;
mod template;

pub use alert::{Alert, AlertDetails};
pub use http::{HttpSink, HttpSinkOptions};
pub use priority::{ParsePriorityError, Priority};
pub use sink::{AlertFormat, FileSink, Sink, SinkError, SinkStats, Sinks, WriterSink};
pub use template::{
    FieldRef, FieldValue, MAX_WIDTH, NOT_AVAILABLE, OutputTemplate, Rendered, TemplateError,
    TemplateErrorKind,
};
