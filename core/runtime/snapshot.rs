//! The task tree of a loop at one moment: tasks, the task groups they
//! opened, the groups' children and the groups those opened, each with its
//! name, state, spawn location and age. Plain data (`Send`), so another
//! thread can receive it; `snapshot_text.rs` draws it.

use crate::runtime::loop_core::LoopCore;
use crate::runtime::scope_nodes::{ChildNode, GroupNode, Polling};
use crate::runtime::task_meta::TaskMeta;
use crate::runtime::wait_reason::Wait;
use std::collections::HashMap;
use std::panic::Location;
use std::time::{Duration, Instant};

/// What a node of the tree is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NodeKind {
    Task,
    Group,
    Child,
}

/// One node of the tree.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub(crate) kind: NodeKind,
    pub(crate) id: u64,
    pub(crate) name: String,
    /// "running", "ready", "cancelling", "waiting on ...".
    pub(crate) state: String,
    pub(crate) location: Option<&'static Location<'static>>,
    /// Time on the loop's clock since it started, if recorded.
    pub(crate) age: Option<Duration>,
    pub(crate) children: Vec<Node>,
}

/// A loop's tree.
#[derive(Clone, Debug)]
pub(crate) struct Snapshot {
    pub(crate) loop_id: u32,
    pub(crate) virtual_clock: bool,
    /// The loop's `time()` when the tree was taken.
    pub(crate) time: f64,
    /// True when spawn locations, ages and wait reasons were recorded.
    pub(crate) recorded: bool,
    pub(crate) roots: Vec<Node>,
}

/// A node before it is placed: its parent's id, what it waits on, and its
/// place among its siblings (children by number, the others by id).
struct Flat {
    parent: Option<u64>,
    order: u64,
    node: Node,
    wait: Option<Wait>,
}

impl LoopCore {
    /// The tree of this loop's tasks, groups and children, as of now.
    pub(crate) fn snapshot(&self) -> Snapshot {
        let now = self.now();
        let age = |at: Option<Instant>| at.map(|at| now.saturating_duration_since(at));
        let inspect = &self.inspect;
        let ready: Vec<u64> = self.ready_ids();
        let polling = inspect.polling.get();
        let running_task = self.current_task_meta().map(|(meta, _)| {
            // SAFETY: the metadata of the task being polled lives while its
            // poll does, and this runs inside it.
            unsafe { meta.as_ref() }.id()
        });
        let task_state = |meta: &TaskMeta| {
            if Some(meta.id()) == running_task {
                Some("running")
            } else if meta.cancel_requested() {
                Some("cancelling")
            } else if ready.contains(&meta.id()) {
                Some("ready")
            } else {
                None
            }
        };
        let mut flat = Vec::new();
        let task_node = |meta: &TaskMeta, record: crate::runtime::inspect::TaskRecord| {
            let fixed = task_state(meta);
            Flat {
                parent: None,
                order: meta.id(),
                wait: fixed.is_none().then_some(record.wait),
                node: Node {
                    kind: NodeKind::Task,
                    id: meta.id(),
                    name: meta.name(),
                    state: fixed.unwrap_or_default().to_string(),
                    location: record.location,
                    age: age(record.spawned),
                    children: Vec::new(),
                },
            }
        };
        if let Some(main) = self.main.borrow().as_ref() {
            flat.push(task_node(&main.meta, inspect.main.get()));
        }
        for (_, meta) in self.registry.borrow().iter() {
            if !meta.is_internal() && !meta.is_done() {
                flat.push(task_node(meta, inspect.task(meta)));
            }
        }
        for group in inspect.groups() {
            flat.push(group_flat(&group, age(group.created)));
            for (child, record) in group.live_children() {
                flat.push(child_flat(
                    &*child,
                    group.id,
                    record.wait,
                    age(record.created),
                ));
            }
        }
        // The node being polled (the caller's), and so every node around it.
        let current = match polling {
            Polling::Task => running_task,
            _ => polling.node().map(|(id, _)| id),
        };
        Snapshot {
            loop_id: self.id,
            virtual_clock: self.clock.is_virtual(),
            time: self.clock.seconds(),
            recorded: inspect.recording(),
            roots: assemble(flat, now, current),
        }
    }

    /// The ids of the tasks in the run queue.
    fn ready_ids(&self) -> Vec<u64> {
        let main_id = self.main.borrow().as_ref().map(|m| m.meta.id());
        self.ready.borrow().task_ids(main_id)
    }
}

fn group_flat(group: &GroupNode, age: Option<Duration>) -> Flat {
    let body = group.body_wait.get();
    Flat {
        parent: Some(group.parent),
        order: group.id,
        wait: (body != Wait::Unknown).then_some(body),
        node: Node {
            kind: NodeKind::Group,
            id: group.id,
            name: group.name.to_string(),
            state: "waiting on its children".to_string(),
            location: Some(group.location),
            age,
            children: Vec::new(),
        },
    }
}

fn child_flat(child: &dyn ChildNode, group: u64, wait: Wait, age: Option<Duration>) -> Flat {
    let fixed = if child.cancel_requested() {
        Some("cancelling")
    } else {
        None
    };
    Flat {
        parent: Some(group),
        order: child.number(),
        wait: fixed.is_none().then_some(wait),
        node: Node {
            kind: NodeKind::Child,
            id: child.id(),
            name: child.name(),
            state: fixed.unwrap_or_default().to_string(),
            location: Some(child.location()),
            age,
            children: Vec::new(),
        },
    }
}

/// Says what each node waits on (naming the tasks and groups it waits
/// for), marks `current` and the nodes around it running, and places every
/// node under its parent.
fn assemble(mut flat: Vec<Flat>, now: Instant, current: Option<u64>) -> Vec<Node> {
    let names: HashMap<u64, String> = flat
        .iter()
        .map(|f| (f.node.id, f.node.name.clone()))
        .collect();
    for f in &mut flat {
        if let Some(wait) = f.wait {
            let what = describe(wait, &names, now);
            f.node.state = match f.node.kind {
                NodeKind::Group => format!("body {what}"),
                _ => what,
            };
        }
    }
    let index: HashMap<u64, usize> = flat
        .iter()
        .enumerate()
        .map(|(i, f)| (f.node.id, i))
        .collect();
    let mut at = current.and_then(|id| index.get(&id).copied());
    for _ in 0..flat.len() {
        let Some(i) = at else { break };
        flat[i].node.state = "running".to_string();
        at = flat[i].parent.and_then(|p| index.get(&p).copied());
    }
    let mut below: Vec<Vec<usize>> = vec![Vec::new(); flat.len()];
    let mut roots = Vec::new();
    for (i, f) in flat.iter().enumerate() {
        match f.parent.and_then(|p| index.get(&p).copied()) {
            Some(p) if p != i => below[p].push(i),
            _ => roots.push(i),
        }
    }
    for siblings in below.iter_mut().chain(std::iter::once(&mut roots)) {
        siblings.sort_by_key(|&k| flat[k].order);
    }
    let mut nodes: Vec<Option<Node>> = flat.into_iter().map(|f| Some(f.node)).collect();
    roots
        .into_iter()
        .filter_map(|i| place(i, &below, &mut nodes))
        .collect()
}

/// Node `i` with its subtree (each node is taken once, so a cycle of ids
/// cannot loop).
fn place(i: usize, below: &[Vec<usize>], nodes: &mut [Option<Node>]) -> Option<Node> {
    let mut node = nodes[i].take()?;
    node.children = below[i]
        .iter()
        .filter_map(|&k| place(k, below, nodes))
        .collect();
    Some(node)
}

/// "waiting on ..." for a wait reason.
fn describe(wait: Wait, names: &HashMap<u64, String>, now: Instant) -> String {
    let name = |id: &u64| {
        names
            .get(id)
            .cloned()
            .unwrap_or_else(|| format!("#{id} (finished)"))
    };
    match wait {
        Wait::Unknown => "waiting".to_string(),
        Wait::Timer(at) if at <= now => "waiting on a timer (due now)".to_string(),
        Wait::Timer(at) => format!(
            "waiting on a timer (due in {:.3} s)",
            (at - now).as_secs_f64()
        ),
        Wait::Io(direction) => format!("waiting on I/O ({direction:?})").to_lowercase(),
        Wait::On(what) => format!("waiting on {what}"),
        Wait::Task(id) => format!("waiting on task {}", name(&id)),
        Wait::Child(id) => format!("waiting on child {}", name(&id)),
        Wait::Group(id) => format!("waiting on task group {}", name(&id)),
    }
}
