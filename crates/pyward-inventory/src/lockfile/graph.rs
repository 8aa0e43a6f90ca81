//! The dependency graph a lockfile records, and what every lockfile reader
//! derives from it: which packages are direct, the shortest chain that
//! brings each other one in, the groups each belongs to and the markers
//! under which it is installed.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::str::FromStr;

use pyward_model::{Dependency, DependencyEdge, PackageName, PackageRef};

/// More alternatives than this in one package's marker and the marker is
/// dropped (the package then counts everywhere): a security audit would
/// rather look at a package too often than miss it.
const MAX_MARKER_CLAUSES: usize = 16;

/// Longest `via` chain kept. Real chains are a handful of packages; a
/// crafted lock with a chain thousands deep would otherwise cost memory
/// quadratic in its size. Longer chains keep their two ends (the direct
/// dependency and the parent) and lose the middle.
pub(crate) const MAX_VIA: usize = 64;

/// One locked package.
pub(crate) struct Node {
    /// Name, version, source, kind and requirement filled in; `direct`,
    /// `via`, `groups` and `markers` are derived by [`LockGraph::finish`]
    /// unless recorded below.
    pub dependency: Dependency,
    /// Groups as the lock records them for this package; empty when the
    /// lock does not, and they are derived from the root edges.
    pub recorded_groups: Vec<String>,
    /// The marker the lock records for this package as a whole
    /// (uv `resolution-markers`, poetry/pdm/Pipfile.lock/pylock markers).
    pub recorded_marker: Option<String>,
}

/// A dependency edge between two locked packages, or from the root project.
#[derive(Clone)]
pub(crate) struct Edge {
    pub to: usize,
    pub marker: Option<String>,
}

/// A requirement of the root project(s): what makes a package direct.
#[derive(Clone)]
pub(crate) struct RootEdge {
    pub to: usize,
    pub group: String,
    pub marker: Option<String>,
}

/// How the reader wants markers handled.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum MarkerMode {
    /// The lock records each package's complete marker (poetry 2.1, pdm,
    /// Pipfile.lock, pylock): use it as is.
    Recorded,
    /// The lock records markers on edges (uv, older poetry): the marker of
    /// a package is the disjunction over the paths that reach it of the
    /// conjunction of the markers along each path, and its recorded marker.
    Propagated,
}

#[derive(Default)]
pub(crate) struct LockGraph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Vec<Edge>>,
    /// The root project's requirements. When the lock has none, the packages
    /// no other package requires are taken as direct.
    pub roots: Vec<RootEdge>,
    by_name: HashMap<PackageName, Vec<usize>>,
}

impl LockGraph {
    pub fn add_node(&mut self, node: Node) -> usize {
        let index = self.nodes.len();
        self.by_name
            .entry(node.dependency.name.clone())
            .or_default()
            .push(index);
        self.nodes.push(node);
        self.edges.push(Vec::new());
        index
    }

    /// Every locked package of that name.
    pub fn named(&self, name: &PackageName) -> &[usize] {
        self.by_name.get(name).map_or(&[], Vec::as_slice)
    }

    /// The locked packages of that name whose version satisfies
    /// `specifiers` (PEP 440, as locks write them); when several versions
    /// are locked and the specifiers cannot be read or match none, all.
    pub fn named_matching(&self, name: &PackageName, specifiers: Option<&str>) -> Vec<usize> {
        let candidates = self.named(name);
        if candidates.len() < 2 {
            return candidates.to_vec();
        }
        let Some(specifiers) = specifiers
            .map(str::trim)
            .filter(|s| !s.is_empty() && *s != "*")
            .and_then(|s| pep440_rs::VersionSpecifiers::from_str(s).ok())
        else {
            return candidates.to_vec();
        };
        let matching: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&i| {
                self.nodes[i]
                    .dependency
                    .version
                    .as_deref()
                    .and_then(|v| pep440_rs::Version::from_str(v).ok())
                    .is_some_and(|v| specifiers.contains(&v))
            })
            .collect();
        if matching.is_empty() {
            candidates.to_vec()
        } else {
            matching
        }
    }

    /// The project's requirements, as read from its manifest.
    pub fn add_roots(&mut self, roots: &[super::Root]) {
        for root in roots {
            for &to in self.by_name.get(&root.name).map_or(&[][..], Vec::as_slice) {
                self.roots.push(RootEdge {
                    to,
                    group: root.group.clone(),
                    marker: root.marker.clone(),
                });
            }
        }
    }

    pub fn add_edge(&mut self, from: usize, to: usize, marker: Option<String>) {
        if from == to {
            return;
        }
        if let Some(edges) = self.edges.get_mut(from) {
            edges.push(Edge { to, marker });
        }
    }

    /// Fills in `direct`, `via`, `groups` and `markers` and returns the
    /// packages in lock order, and the graph's edges (the project's, from
    /// `None`, first) named by `source`.
    pub fn finish(
        mut self,
        markers: MarkerMode,
        source: &str,
    ) -> (Vec<Dependency>, Vec<DependencyEdge>) {
        let count = self.nodes.len();
        if self.roots.is_empty() {
            self.roots = self.inferred_roots();
        }
        let edges = self.edge_list(source);
        let mut is_direct = vec![false; count];
        for root in &self.roots {
            if let Some(flag) = is_direct.get_mut(root.to) {
                *flag = true;
            }
        }

        let via = self.shortest_chains(&is_direct);
        let groups = self.derived_groups();
        let propagated = match markers {
            MarkerMode::Recorded => None,
            MarkerMode::Propagated => Some(self.propagated_markers()),
        };

        let mut out = Vec::with_capacity(count);
        for (index, node) in self.nodes.into_iter().enumerate() {
            let mut dependency = node.dependency;
            dependency.direct = is_direct[index];
            dependency.via = via[index].clone().unwrap_or_default();
            dependency.groups = if node.recorded_groups.is_empty() {
                groups[index].clone()
            } else {
                node.recorded_groups
            };
            if dependency.groups.is_empty() {
                dependency.groups.push("main".to_string());
            }
            sort_groups(&mut dependency.groups);
            dependency.markers = match &propagated {
                None => node.recorded_marker,
                Some(all) => {
                    let mut dnf = all[index].clone().unwrap_or_else(Dnf::always);
                    if let Some(own) = node.recorded_marker {
                        dnf.and_term(&own);
                    }
                    dnf.render()
                }
            };
            out.push(dependency);
        }
        (out, edges)
    }

    /// Every edge once: the project to each root, then package to package,
    /// in lock order.
    fn edge_list(&self, source: &str) -> Vec<DependencyEdge> {
        let refs: Vec<PackageRef> = self
            .nodes
            .iter()
            .map(|node| PackageRef {
                name: node.dependency.name.clone(),
                version: node.dependency.version.clone(),
            })
            .collect();
        let mut out = Vec::with_capacity(self.roots.len() + self.nodes.len() * 2);
        let mut seen_roots = vec![false; refs.len()];
        for root in &self.roots {
            if let Some(seen) = seen_roots.get_mut(root.to)
                && !*seen
            {
                *seen = true;
                out.push(DependencyEdge {
                    source: source.to_string(),
                    from: None,
                    to: refs[root.to].clone(),
                });
            }
        }
        let mut targets: Vec<usize> = Vec::new();
        for (from, edges) in self.edges.iter().enumerate() {
            targets.clear();
            targets.extend(edges.iter().map(|e| e.to).filter(|&to| to < refs.len()));
            targets.sort_unstable();
            targets.dedup();
            for &to in &targets {
                out.push(DependencyEdge {
                    source: source.to_string(),
                    from: Some(refs[from].clone()),
                    to: refs[to].clone(),
                });
            }
        }
        out
    }

    /// Without a root project in the lock: every package that no other
    /// package requires, then (for cycles nothing else reaches) the first
    /// package of each unreached cycle.
    fn inferred_roots(&self) -> Vec<RootEdge> {
        let count = self.nodes.len();
        let mut required = vec![false; count];
        for edges in &self.edges {
            for edge in edges {
                if let Some(flag) = required.get_mut(edge.to) {
                    *flag = true;
                }
            }
        }
        let mut roots: Vec<usize> = (0..count).filter(|&i| !required[i]).collect();
        let mut reached = vec![false; count];
        self.mark_reachable(&roots, &mut reached);
        for index in 0..count {
            if !reached[index] {
                roots.push(index);
                self.mark_reachable(&[index], &mut reached);
            }
        }
        roots
            .into_iter()
            .map(|to| RootEdge {
                to,
                group: String::new(),
                marker: None,
            })
            .collect()
    }

    fn reachable_from(&self, starts: &[usize]) -> Vec<bool> {
        let mut seen = vec![false; self.nodes.len()];
        self.mark_reachable(starts, &mut seen);
        seen
    }

    /// Marks in `seen` what `starts` reach, not walking again from what is
    /// marked already.
    fn mark_reachable(&self, starts: &[usize], seen: &mut [bool]) {
        let mut queue: VecDeque<usize> = VecDeque::new();
        for &start in starts {
            if start < seen.len() && !seen[start] {
                seen[start] = true;
                queue.push_back(start);
            }
        }
        while let Some(node) = queue.pop_front() {
            for edge in &self.edges[node] {
                if edge.to < seen.len() && !seen[edge.to] {
                    seen[edge.to] = true;
                    queue.push_back(edge.to);
                }
            }
        }
    }

    /// Breadth-first from every direct package at once, visiting them (and
    /// each one's requirements) in name order so the chain chosen among
    /// equally short ones does not depend on the lock's order.
    fn shortest_chains(&self, is_direct: &[bool]) -> Vec<Option<Vec<PackageName>>> {
        let count = self.nodes.len();
        let mut via: Vec<Option<Vec<PackageName>>> = vec![None; count];
        let mut direct: Vec<usize> = (0..count).filter(|&i| is_direct[i]).collect();
        direct.sort_by(|&a, &b| self.order_key(a).cmp(&self.order_key(b)));
        let mut queue = VecDeque::new();
        for index in direct {
            via[index] = Some(Vec::new());
            queue.push_back(index);
        }
        // Parent pointers first; chains are built from them at the end.
        let mut parent: Vec<Option<usize>> = vec![None; count];
        while let Some(node) = queue.pop_front() {
            let mut children: Vec<usize> = self.edges[node].iter().map(|e| e.to).collect();
            children.sort_by(|&a, &b| self.order_key(a).cmp(&self.order_key(b)));
            for child in children {
                if child < count && via[child].is_none() {
                    via[child] = Some(Vec::new());
                    parent[child] = Some(node);
                    queue.push_back(child);
                }
            }
        }
        for (index, chain) in via.iter_mut().enumerate() {
            let Some(chain) = chain.as_mut() else {
                continue;
            };
            let mut up = parent[index];
            let mut nodes = Vec::new();
            while let Some(node) = up {
                nodes.push(node);
                up = parent[node];
            }
            nodes.reverse();
            if nodes.len() > MAX_VIA {
                nodes.drain(MAX_VIA / 2..nodes.len() - MAX_VIA / 2);
            }
            chain.extend(nodes.iter().map(|&n| self.nodes[n].dependency.name.clone()));
        }
        via
    }

    fn order_key(&self, index: usize) -> (&str, Option<&str>) {
        let dependency = &self.nodes[index].dependency;
        (dependency.name.as_str(), dependency.version.as_deref())
    }

    /// Each package belongs to the groups of the root requirements it is
    /// reachable from.
    fn derived_groups(&self) -> Vec<Vec<String>> {
        let mut by_group: Vec<(String, Vec<usize>)> = Vec::new();
        for root in &self.roots {
            let group = if root.group.is_empty() {
                "main"
            } else {
                root.group.as_str()
            };
            match by_group.iter_mut().find(|(g, _)| g == group) {
                Some((_, starts)) => starts.push(root.to),
                None => by_group.push((group.to_string(), vec![root.to])),
            }
        }
        let mut groups = vec![Vec::new(); self.nodes.len()];
        for (group, starts) in by_group {
            for (index, reached) in self.reachable_from(&starts).into_iter().enumerate() {
                if reached {
                    groups[index].push(group.clone());
                }
            }
        }
        groups
    }

    /// The marker of every package reached from the roots, by a fixpoint
    /// over the edges; `None` for packages no root reaches.
    fn propagated_markers(&self) -> Vec<Option<Dnf>> {
        let count = self.nodes.len();
        let mut markers: Vec<Option<Dnf>> = vec![None; count];
        let mut queue = VecDeque::new();
        let mut queued = vec![false; count];
        for root in &self.roots {
            let mut dnf = Dnf::always();
            if let Some(marker) = &root.marker {
                dnf.and_term(marker);
            }
            if root.to < count && merge(&mut markers[root.to], dnf) && !queued[root.to] {
                queued[root.to] = true;
                queue.push_back(root.to);
            }
        }
        // Markers only grow and are capped, so this ends; the budget guards
        // against a pathological lock all the same.
        let mut budget = count.saturating_mul(64).max(1024);
        while let Some(node) = queue.pop_front() {
            queued[node] = false;
            if budget == 0 {
                break;
            }
            budget -= 1;
            let Some(here) = markers[node].clone() else {
                continue;
            };
            for edge in &self.edges[node] {
                let mut dnf = here.clone();
                if let Some(marker) = &edge.marker {
                    dnf.and_term(marker);
                }
                if edge.to < count && merge(&mut markers[edge.to], dnf) && !queued[edge.to] {
                    queued[edge.to] = true;
                    queue.push_back(edge.to);
                }
            }
        }
        markers
    }
}

/// `main` first, then the others by name, each once.
pub(crate) fn sort_groups(groups: &mut Vec<String>) {
    groups.sort_by(|a, b| (a != "main", a).cmp(&(b != "main", b)));
    groups.dedup();
}

fn merge(slot: &mut Option<Dnf>, more: Dnf) -> bool {
    match slot {
        None => {
            *slot = Some(more);
            true
        }
        Some(existing) => existing.or(more),
    }
}

/// A marker in disjunctive normal form: any clause true makes it true; a
/// clause is true when all its terms are. A clause without terms is
/// "always".
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Dnf {
    clauses: Vec<BTreeSet<String>>,
}

impl Dnf {
    pub fn always() -> Self {
        Self {
            clauses: vec![BTreeSet::new()],
        }
    }

    pub fn and_term(&mut self, term: &str) {
        let term = term.trim();
        if term.is_empty() {
            return;
        }
        for clause in &mut self.clauses {
            clause.insert(term.to_string());
        }
    }

    /// Adds the clauses of `other`; whether anything changed.
    fn or(&mut self, other: Dnf) -> bool {
        let mut changed = false;
        for clause in other.clauses {
            // A clause implied by one we have adds nothing.
            if self.clauses.iter().any(|c| c.is_subset(&clause)) {
                continue;
            }
            self.clauses.retain(|c| !clause.is_subset(c));
            self.clauses.push(clause);
            changed = true;
        }
        if self.clauses.len() > MAX_MARKER_CLAUSES {
            *self = Dnf::always();
        }
        changed
    }

    /// `None` when always true.
    pub fn render(&self) -> Option<String> {
        if self.clauses.iter().any(BTreeSet::is_empty) {
            return None;
        }
        let many = self.clauses.len() > 1;
        let rendered: Vec<String> = self
            .clauses
            .iter()
            .map(|clause| {
                let terms: Vec<String> = clause
                    .iter()
                    .map(|t| {
                        if clause.len() > 1 && t.contains(" or ") {
                            format!("({t})")
                        } else {
                            t.clone()
                        }
                    })
                    .collect();
                let joined = terms.join(" and ");
                if many && (clause.len() > 1 || joined.contains(" or ")) {
                    format!("({joined})")
                } else {
                    joined
                }
            })
            .collect();
        let mut sorted = rendered;
        sorted.sort();
        Some(sorted.join(" or "))
    }
}

/// Joins alternative markers (uv's `resolution-markers`, poetry's marker
/// per group) into one; `None` if any alternative is unconditional.
pub(crate) fn any_of<'a>(markers: impl IntoIterator<Item = Option<&'a str>>) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    let mut any = false;
    for marker in markers {
        any = true;
        match marker.map(str::trim) {
            None | Some("") => return None,
            Some(m) => {
                if !parts.contains(&m) {
                    parts.push(m);
                }
            }
        }
    }
    if !any {
        return None;
    }
    if parts.len() == 1 {
        return Some(parts[0].to_string());
    }
    Some(
        parts
            .iter()
            .map(|p| {
                if p.contains(" and ") || p.contains(" or ") {
                    format!("({p})")
                } else {
                    (*p).to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(" or "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(name: &str) -> Node {
        Node {
            dependency: Dependency::new(name, Some("1"), "x.lock"),
            recorded_groups: Vec::new(),
            recorded_marker: None,
        }
    }

    #[test]
    fn chains_are_shortest_and_roots_inferred() {
        let mut g = LockGraph::default();
        let flask = g.add_node(node("flask"));
        let werkzeug = g.add_node(node("werkzeug"));
        let markupsafe = g.add_node(node("markupsafe"));
        let jinja = g.add_node(node("jinja2"));
        g.add_edge(flask, werkzeug, None);
        g.add_edge(flask, jinja, None);
        g.add_edge(werkzeug, markupsafe, None);
        g.add_edge(jinja, markupsafe, None);
        let (deps, _) = g.finish(MarkerMode::Propagated, "x.lock");
        assert!(deps[0].direct);
        assert!(!deps[1].direct);
        assert_eq!(deps[1].via, vec![PackageName::new("flask")]);
        // jinja2 sorts before werkzeug, so the chain goes through it.
        assert_eq!(
            deps[2].via,
            vec![PackageName::new("flask"), PackageName::new("jinja2")]
        );
        assert_eq!(deps[2].markers, None);
    }

    #[test]
    fn the_whole_graph_is_kept() {
        let mut g = LockGraph::default();
        let flask = g.add_node(node("flask"));
        let werkzeug = g.add_node(node("werkzeug"));
        let markupsafe = g.add_node(node("markupsafe"));
        let jinja = g.add_node(node("jinja2"));
        g.add_edge(flask, werkzeug, None);
        g.add_edge(flask, jinja, None);
        g.add_edge(flask, jinja, Some("python_version < '3'".into()));
        g.add_edge(werkzeug, markupsafe, None);
        g.add_edge(jinja, markupsafe, None);
        let (_, edges) = g.finish(MarkerMode::Propagated, "x.lock");
        let pairs: Vec<(Option<&str>, &str)> = edges
            .iter()
            .map(|e| (e.from.as_ref().map(|f| f.name.as_str()), e.to.name.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                (None, "flask"),
                (Some("flask"), "werkzeug"),
                (Some("flask"), "jinja2"),
                (Some("werkzeug"), "markupsafe"),
                (Some("jinja2"), "markupsafe"),
            ]
        );
        assert!(edges.iter().all(|e| e.source == "x.lock"));
        assert_eq!(edges[1].to.version.as_deref(), Some("1"));
    }

    #[test]
    fn markers_propagate_along_paths() {
        let mut g = LockGraph::default();
        let flask = g.add_node(node("flask"));
        let meta = g.add_node(node("importlib-metadata"));
        let zipp = g.add_node(node("zipp"));
        g.roots.push(RootEdge {
            to: flask,
            group: "main".into(),
            marker: None,
        });
        g.add_edge(flask, meta, Some("python_version < '3.10'".into()));
        g.add_edge(meta, zipp, None);
        let (deps, _) = g.finish(MarkerMode::Propagated, "x.lock");
        assert_eq!(deps[2].markers.as_deref(), Some("python_version < '3.10'"));
        assert_eq!(deps[0].markers, None);
    }

    #[test]
    fn an_unconditional_path_wins() {
        let mut g = LockGraph::default();
        let a = g.add_node(node("a"));
        let b = g.add_node(node("b"));
        let c = g.add_node(node("c"));
        g.roots.push(RootEdge {
            to: a,
            group: "main".into(),
            marker: None,
        });
        g.roots.push(RootEdge {
            to: b,
            group: "dev".into(),
            marker: Some("sys_platform == 'win32'".into()),
        });
        g.add_edge(b, c, Some("python_version < '3.9'".into()));
        g.add_edge(a, c, None);
        let (deps, _) = g.finish(MarkerMode::Propagated, "x.lock");
        assert_eq!(deps[2].markers, None);
        assert_eq!(deps[2].groups, vec!["main", "dev"]);
        assert_eq!(deps[1].groups, vec!["dev"]);
    }

    #[test]
    fn long_chains_keep_their_ends() {
        let mut g = LockGraph::default();
        let nodes: Vec<usize> = (0..200)
            .map(|i| g.add_node(node(&format!("p{i:03}"))))
            .collect();
        for pair in nodes.windows(2) {
            g.add_edge(pair[0], pair[1], None);
        }
        let (deps, _) = g.finish(MarkerMode::Recorded, "x.lock");
        let last = &deps[199].via;
        assert_eq!(last.len(), MAX_VIA);
        assert_eq!(last[0].as_str(), "p000");
        assert_eq!(last[MAX_VIA - 1].as_str(), "p198");
        assert_eq!(deps[10].via.len(), 10);
    }

    #[test]
    fn cycles_end() {
        let mut g = LockGraph::default();
        let a = g.add_node(node("a"));
        let b = g.add_node(node("b"));
        g.add_edge(a, b, Some("x == '1'".into()));
        g.add_edge(b, a, Some("y == '1'".into()));
        let (deps, _) = g.finish(MarkerMode::Propagated, "x.lock");
        assert!(deps[0].direct);
        assert_eq!(deps[1].via, vec![PackageName::new("a")]);
    }

    #[test]
    fn any_of_joins_alternatives() {
        assert_eq!(
            any_of([Some("a == '1'"), Some("b == '2' and c == '3'")]).as_deref(),
            Some("a == '1' or (b == '2' and c == '3')")
        );
        assert_eq!(any_of([Some("a == '1'"), None]), None);
    }
}
