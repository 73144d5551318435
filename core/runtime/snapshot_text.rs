//! The task tree drawn as text, in the manner of asyncio's `pstree`:
//!
//! ```text
//! event loop 1 (virtual clock, 12.000 s)
//! └── Task-1 [task] waiting on task group Task-1/group · src/main.rs:10:5 · age 12.000 s
//!     └── Task-1/group [group] body waiting on child fetch · src/main.rs:11:9 · age 2.000 s
//!         ├── Task-1/group/1 [child] waiting on a lock · src/main.rs:12:13 · age 2.000 s
//!         └── fetch [child] waiting on queue (get) · src/main.rs:13:13 · age 2.000 s
//! ```

use crate::runtime::snapshot::{Node, NodeKind, Snapshot};
use std::fmt;

impl fmt::Display for Snapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let clock = if self.virtual_clock {
            "virtual"
        } else {
            "real"
        };
        write!(
            f,
            "event loop {} ({clock} clock, {:.3} s)",
            self.loop_id, self.time
        )?;
        if !self.recorded {
            f.write_str(" [spawn locations, ages and waits are recorded in debug mode]")?;
        }
        if self.roots.is_empty() {
            f.write_str("\n└── (no tasks)")?;
        }
        draw(f, &self.roots, "")
    }
}

fn draw(f: &mut fmt::Formatter<'_>, nodes: &[Node], indent: &str) -> fmt::Result {
    for (i, node) in nodes.iter().enumerate() {
        let last = i + 1 == nodes.len();
        let (branch, next) = if last {
            ("└── ", "    ")
        } else {
            ("├── ", "│   ")
        };
        write!(f, "\n{indent}{branch}")?;
        line(f, node)?;
        draw(f, &node.children, &format!("{indent}{next}"))?;
    }
    Ok(())
}

/// One node: name, kind, state, location, age.
pub(crate) fn line(f: &mut fmt::Formatter<'_>, node: &Node) -> fmt::Result {
    let kind = match node.kind {
        NodeKind::Task => "task",
        NodeKind::Group => "group",
        NodeKind::Child => "child",
    };
    write!(f, "{} [{kind}]", node.name)?;
    if !node.state.is_empty() {
        write!(f, " {}", node.state)?;
    }
    if let Some(location) = node.location {
        write!(f, " · {location}")?;
    }
    if let Some(age) = node.age {
        write!(f, " · age {:.3} s", age.as_secs_f64())?;
    }
    Ok(())
}
