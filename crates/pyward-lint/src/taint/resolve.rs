//! The project-wide pass: every file's facts in one table, summaries
//! closed over calls (what a call's result carries, which parameters reach
//! which sinks, through any number of calls), the files that define still
//! unknown callees read again, and a verdict for each waiting finding.

use std::collections::{HashMap, HashSet};

use pyward_model::{Confidence, Finding, Severity};

use super::facts::{
    CallSite, Candidate, Deferred, FileFacts, Policy, SourceInfo, SourceKind, Spot, Step, Summary,
};
use super::file::Pending;
use super::label::{ClassSet, Label, Origin, SinkClass, Taint};
use super::project::ProjectIndex;

/// Rounds of reading files again for callees; each round can only add the
/// callees of the functions the previous one found.
const MAX_ROUNDS: usize = 4;
/// At most this many files are read again over a run.
const MAX_REREAD_FILES: usize = 512;
/// Calls nested deeper than this resolve as unknown.
const MAX_CALL_DEPTH: u32 = 48;
/// Steps kept in a path (the first and last ones).
const MAX_PATH_STEPS: usize = 8;

/// A file to read again: the functions (dotted paths in the file) to
/// summarise, and deferred findings of its to decide.
#[derive(Debug)]
pub(crate) struct Request {
    pub(crate) file: u32,
    pub(crate) paths: Vec<String>,
    pub(crate) pending: Vec<Pending>,
}

/// What the pass needs to read files again: for each request, the file's
/// facts with the summaries and candidates asked for.
pub(crate) trait Reread {
    fn reread(&mut self, requests: Vec<Request>) -> Vec<(u32, FileFacts)>;
}

/// A verdict's floors, from the settings.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Floors {
    pub(crate) severity: Severity,
    pub(crate) confidence: Confidence,
}

#[derive(Default)]
struct Global {
    sources: Vec<SourceInfo>,
    steps: Vec<Step>,
    sites: Vec<CallSite>,
    site_file: Vec<u32>,
    summaries: Vec<Summary>,
    summary_file: Vec<u32>,
    candidates: Vec<Candidate>,
    by_name: HashMap<String, Vec<u32>>,
    /// Summaries known per file, by name (not to read a file again for a
    /// function already there).
    analyzed: HashSet<(u32, String)>,
    /// Data-flow sinks of scopes not analysed yet, by file.
    deferred: Vec<(u32, Deferred)>,
}

impl Global {
    fn merge(&mut self, file: u32, facts: FileFacts) {
        let so = offset(self.sources.len());
        let st = offset(self.steps.len());
        let si = offset(self.sites.len());
        let ca = offset(self.candidates.len());
        let remap = |taint: &Taint| {
            taint.map(|label, out| {
                let origin = match label.origin {
                    Origin::Source(i) => Origin::Source(i + so),
                    Origin::Call(i) => Origin::Call(i + si),
                    other => other,
                };
                out.add(Label {
                    origin,
                    clean: label.clean,
                    via: if label.via == 0 { 0 } else { label.via + st },
                });
            })
        };
        self.sources.extend(facts.sources);
        self.steps.extend(facts.steps.into_iter().map(|mut step| {
            if step.prev != 0 {
                step.prev += st;
            }
            step
        }));
        for mut site in facts.sites {
            site.args = site.args.iter().map(remap).collect();
            site.kwargs = site
                .kwargs
                .iter()
                .map(|(n, t)| (n.clone(), remap(t)))
                .collect();
            site.spread = site.spread.as_ref().map(remap);
            self.sites.push(site);
            self.site_file.push(file);
        }
        for mut summary in facts.summaries {
            if !self.analyzed.insert((file, summary.name.clone())) {
                // Read again: the first analysis stands.
                continue;
            }
            summary.returns = remap(&summary.returns);
            summary.candidates = summary.candidates.iter().map(|c| c + ca).collect();
            summary.calls = summary.calls.iter().map(|c| c + si).collect();
            let id = offset(self.summaries.len());
            self.by_name
                .entry(summary.name.clone())
                .or_default()
                .push(id);
            self.summaries.push(summary);
            self.summary_file.push(file);
        }
        for mut candidate in facts.candidates {
            candidate.taint = remap(&candidate.taint);
            self.candidates.push(candidate);
        }
        self.deferred
            .extend(facts.deferred.into_iter().map(|d| (file, d)));
    }
}

fn offset(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

/// One parameter of a function reaching a sink.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct ParamSink {
    param: u32,
    candidate: u32,
    clean: ClassSet,
    /// Steps from the function's entry to the sink.
    via: u32,
}

struct Resolver<'p> {
    g: Global,
    project: &'p ProjectIndex,
    callee_memo: HashMap<u32, Option<u32>>,
    ret_memo: Vec<Option<Taint>>,
    ret_busy: Vec<bool>,
    site_memo: HashMap<u32, Taint>,
    sinks_memo: Vec<Option<Vec<ParamSink>>>,
    sinks_busy: Vec<bool>,
    step_memo: HashMap<(u32, u32), u32>,
}

impl<'p> Resolver<'p> {
    fn callee(&mut self, site: u32) -> Option<u32> {
        if let Some(&known) = self.callee_memo.get(&site) {
            return known;
        }
        let found = self.lookup(site);
        self.callee_memo.insert(site, found);
        found
    }

    fn lookup(&self, site: u32) -> Option<u32> {
        let callee = &self.g.sites[site as usize].callee;
        let found = self.g.by_name.get(callee)?;
        if found.len() == 1 {
            return found.first().copied();
        }
        // Several modules of that name: the one beside the caller.
        let caller_dir = self
            .project
            .files
            .get(self.g.site_file[site as usize] as usize)
            .map(|f| f.dir.as_str());
        found
            .iter()
            .copied()
            .find(|&s| {
                self.project
                    .files
                    .get(self.g.summary_file[s as usize] as usize)
                    .map(|f| f.dir.as_str())
                    == caller_dir
            })
            .or_else(|| found.first().copied())
    }

    fn step(&mut self, site: u32, prev: u32) -> u32 {
        if let Some(&id) = self.step_memo.get(&(site, prev)) {
            return id;
        }
        let id = offset(self.g.steps.len());
        self.g.steps.push(Step {
            spot: self.g.sites[site as usize].spot.clone(),
            prev,
        });
        self.step_memo.insert((site, prev), id);
        id
    }

    /// `prefix` then the steps of `suffix`.
    fn concat(&mut self, prefix: u32, suffix: u32) -> u32 {
        let mut chain = Vec::new();
        let mut at = suffix;
        while at != 0 && chain.len() < MAX_PATH_STEPS {
            chain.push(at);
            at = self.g.steps[at as usize].prev;
        }
        let mut via = prefix;
        for &step in chain.iter().rev() {
            let spot = self.g.steps[step as usize].spot.clone();
            let id = offset(self.g.steps.len());
            self.g.steps.push(Step { spot, prev: via });
            via = id;
        }
        via
    }

    /// Replaces call labels by what the calls return.
    fn close(&mut self, taint: &Taint, depth: u32) -> Taint {
        let mut out = Taint::clean();
        for label in taint.labels() {
            match label.origin {
                Origin::Call(site) => {
                    let result = if depth > MAX_CALL_DEPTH {
                        Taint::unknown()
                    } else {
                        self.call_result(site, depth + 1)
                    };
                    for inner in result.labels() {
                        out.add(Label {
                            clean: inner.clean.union(label.clean),
                            ..*inner
                        });
                    }
                }
                _ => {
                    out.add(*label);
                }
            }
        }
        out
    }

    fn call_result(&mut self, site: u32, depth: u32) -> Taint {
        if let Some(known) = self.site_memo.get(&site) {
            return known.clone();
        }
        // A placeholder against recursion through arguments.
        self.site_memo.insert(site, Taint::unknown());
        let result = match self.callee(site) {
            None => {
                // Not a function of the tree (a class, a variable): as a
                // library call.
                let mut all = Taint::unknown();
                for taint in self.arguments(site) {
                    let closed = self.close(&taint, depth);
                    all.join(&closed);
                }
                all
            }
            Some(callee) => {
                let returns = self.returns(callee, depth);
                self.substitute(&returns, site, callee, depth)
            }
        };
        self.site_memo.insert(site, result.clone());
        result
    }

    fn arguments(&self, site: u32) -> Vec<Taint> {
        let site = &self.g.sites[site as usize];
        site.args
            .iter()
            .cloned()
            .chain(site.kwargs.iter().map(|(_, t)| t.clone()))
            .chain(site.spread.iter().cloned())
            .collect()
    }

    /// What the call passes for the callee's parameter `param`.
    fn argument(&self, site: u32, callee: u32, param: u32) -> Taint {
        let site = &self.g.sites[site as usize];
        if let Some(taint) = site.args.get(param as usize) {
            return taint.clone();
        }
        let name = self.g.summaries[callee as usize].params.get(param as usize);
        if let Some((_, taint)) = site.kwargs.iter().find(|(n, _)| Some(n) == name) {
            return taint.clone();
        }
        match &site.spread {
            Some(spread) => spread.clone().union(&Taint::unknown()),
            // Not passed: its default, a constant in practice.
            None => Taint::clean(),
        }
    }

    fn substitute(&mut self, returns: &Taint, site: u32, callee: u32, depth: u32) -> Taint {
        let mut out = Taint::clean();
        for label in returns.labels() {
            match label.origin {
                Origin::Param(param) => {
                    let argument = self.argument(site, callee, param);
                    let argument = self.close(&argument, depth);
                    for inner in argument.labels() {
                        let via = if matches!(inner.origin, Origin::Source(_)) {
                            self.step(site, inner.via)
                        } else {
                            inner.via
                        };
                        out.add(Label {
                            origin: inner.origin,
                            clean: inner.clean.union(label.clean),
                            via,
                        });
                    }
                }
                Origin::Source(_) => {
                    let via = self.step(site, label.via);
                    out.add(Label { via, ..*label });
                }
                _ => {
                    out.add(*label);
                }
            }
        }
        out
    }

    /// What a function's return values carry, in terms of its parameters.
    fn returns(&mut self, summary: u32, depth: u32) -> Taint {
        let s = summary as usize;
        if let Some(known) = &self.ret_memo[s] {
            return known.clone();
        }
        if self.ret_busy[s] {
            // Recursion: what it returns through itself is not known.
            return Taint::unknown();
        }
        self.ret_busy[s] = true;
        let returns = self.g.summaries[s].returns.clone();
        let closed = self.close(&returns, depth + 1);
        self.ret_busy[s] = false;
        self.ret_memo[s] = Some(closed.clone());
        closed
    }

    /// The parameters of a function that reach a sink, directly or through
    /// the functions it calls.
    fn param_sinks(&mut self, summary: u32, depth: u32) -> Vec<ParamSink> {
        let s = summary as usize;
        if let Some(known) = &self.sinks_memo[s] {
            return known.clone();
        }
        if self.sinks_busy[s] || depth > MAX_CALL_DEPTH {
            return Vec::new();
        }
        self.sinks_busy[s] = true;
        let mut out: Vec<ParamSink> = Vec::new();
        let candidates = self.g.summaries[s].candidates.clone();
        for candidate in candidates {
            let taint = self.g.candidates[candidate as usize].taint.clone();
            let closed = self.close(&taint, depth);
            for label in closed.labels() {
                if let Origin::Param(param) = label.origin {
                    out.push(ParamSink {
                        param,
                        candidate,
                        clean: label.clean,
                        via: label.via,
                    });
                }
            }
        }
        let calls = self.g.summaries[s].calls.clone();
        for site in calls {
            let Some(callee) = self.callee(site) else {
                continue;
            };
            let inner = self.param_sinks(callee, depth + 1);
            for sink in inner {
                let argument = self.argument(site, callee, sink.param);
                let argument = self.close(&argument, depth);
                for label in argument.labels() {
                    if let Origin::Param(param) = label.origin {
                        let through = self.step(site, label.via);
                        let via = self.concat(through, sink.via);
                        let entry = ParamSink {
                            param,
                            candidate: sink.candidate,
                            clean: label.clean.union(sink.clean),
                            via,
                        };
                        if !out
                            .iter()
                            .any(|o| o.param == entry.param && o.candidate == entry.candidate)
                        {
                            out.push(entry);
                        }
                    }
                }
            }
        }
        self.sinks_busy[s] = false;
        self.sinks_memo[s] = Some(out.clone());
        out
    }

    /// Every call site a verdict may depend on whose callee is not known,
    /// with the files that define it.
    fn missing(&mut self) -> Vec<(u32, String)> {
        let any_sources = !self.g.sources.is_empty();
        // (site, whether untrusted data may flow into the callee there,
        // whether the verdict could turn clean): a callee's own calls
        // matter only in the first case; a callee that receives nothing
        // matters only in the second (it may return a constant).
        let mut seen: HashSet<(u32, bool, bool)> = HashSet::new();
        let mut pending: Vec<(u32, bool, bool)> = Vec::new();
        let push_taint = |taint: &Taint, tainted: bool, clean: bool, pending: &mut Vec<_>| {
            for label in taint.labels() {
                if let Origin::Call(site) = label.origin {
                    pending.push((site, tainted, clean));
                }
            }
        };
        for candidate in &self.g.candidates {
            let taint = &candidate.taint;
            let decided = taint
                .for_class(candidate.class)
                .any(|l| matches!(l.origin, Origin::Source(_)));
            // Only calls left: resolving them may show it clean.
            let open = taint
                .for_class(candidate.class)
                .all(|l| matches!(l.origin, Origin::Call(_)));
            // A Bandit check that is reported anyway only gains confidence
            // from more; a data-flow rule needs to know.
            let matters = match candidate.policy {
                Policy::Bandit => open,
                Policy::Flow => any_sources,
            };
            if !decided && matters {
                push_taint(taint, false, open, &mut pending);
            }
        }
        if any_sources {
            // Calls that carry untrusted data on to a sink further on.
            for summary in &self.g.summaries {
                for &site in &summary.calls {
                    if self.carries_source(site) {
                        pending.push((site, true, false));
                    }
                }
            }
        }
        let mut missing = Vec::new();
        while let Some((site, tainted, clean)) = pending.pop() {
            if !seen.insert((site, tainted, clean)) {
                continue;
            }
            let tainted = tainted || self.carries_source(site);
            for taint in self.arguments(site) {
                push_taint(&taint, tainted, clean, &mut pending);
            }
            match self.lookup(site) {
                Some(callee) => {
                    let summary = &self.g.summaries[callee as usize];
                    push_taint(&summary.returns, tainted, clean, &mut pending);
                    if tainted {
                        pending.extend(summary.calls.iter().map(|&c| (c, true, false)));
                    }
                }
                // A callee that receives nothing can only matter for a
                // constant result (or a source of its own, which the first
                // pass would have seen).
                None if !clean && !self.carries_anything(site) => {}
                None => {
                    let callee = &self.g.sites[site as usize].callee;
                    if let Some((files, rest)) = self.project.files_defining(callee) {
                        for &file in files {
                            if !self.g.analyzed.contains(&(file, callee.clone())) {
                                missing.push((file, rest.to_string()));
                            }
                        }
                    }
                }
            }
        }
        missing.sort();
        missing.dedup();
        missing
    }

    /// Whether a call passes anything but unknown values.
    fn carries_anything(&self, site: u32) -> bool {
        let site = &self.g.sites[site as usize];
        site.args
            .iter()
            .chain(site.kwargs.iter().map(|(_, t)| t))
            .chain(site.spread.iter())
            .any(|t| t.labels().iter().any(|l| l.origin != Origin::Unknown))
    }

    /// Whether a call passes untrusted data (seen so far) in an argument.
    fn carries_source(&self, site: u32) -> bool {
        let site = &self.g.sites[site as usize];
        site.args
            .iter()
            .chain(site.kwargs.iter().map(|(_, t)| t))
            .chain(site.spread.iter())
            .any(|t| {
                t.labels()
                    .iter()
                    .any(|l| matches!(l.origin, Origin::Source(_)))
            })
    }

    /// Deferred scopes that call a function returning untrusted data.
    fn deferred_calling_sources(&mut self) -> Vec<(u32, String)> {
        let mut wrappers: HashSet<String> = HashSet::new();
        for summary in 0..offset(self.g.summaries.len()) {
            let returns = self.returns(summary, 0);
            if returns
                .labels()
                .iter()
                .any(|l| matches!(l.origin, Origin::Source(_)))
            {
                wrappers.insert(self.g.summaries[summary as usize].name.clone());
            }
        }
        self.g
            .deferred
            .iter()
            .filter(|(_, d)| d.calls.iter().any(|c| wrappers.contains(c)))
            .map(|(file, d)| (*file, d.path.clone()))
            .collect()
    }

    fn reset(&mut self) {
        let n = self.g.summaries.len();
        self.callee_memo.clear();
        self.site_memo.clear();
        self.ret_memo = vec![None; n];
        self.ret_busy = vec![false; n];
        self.sinks_memo = vec![None; n];
        self.sinks_busy = vec![false; n];
    }

    fn path(&self, source: u32, via: u32, sink: &Spot) -> Vec<Spot> {
        let mut steps = Vec::new();
        let mut at = via;
        while at != 0 && steps.len() < MAX_PATH_STEPS {
            steps.push(self.g.steps[at as usize].spot.clone());
            at = self.g.steps[at as usize].prev;
        }
        steps.reverse();
        let mut path = vec![self.g.sources[source as usize].spot.clone()];
        path.extend(steps);
        path.push(sink.clone());
        path
    }
}

/// A finding decided by the pass, with the path that decided it.
#[derive(Debug)]
pub(crate) struct Verdict {
    pub(crate) finding: Finding,
    /// Source first, sink last; empty when no untrusted data was seen.
    pub(crate) path: Vec<Spot>,
}

/// Decides every waiting finding of `files` (their facts, by file index).
pub(crate) fn resolve(
    files: Vec<(u32, FileFacts)>,
    project: &ProjectIndex,
    reread: &mut dyn Reread,
    floors: Floors,
) -> Vec<Verdict> {
    let mut g = Global::default();
    g.steps.push(Step {
        spot: Spot {
            file: 0,
            line: 0,
            column: 0,
            end_line: 0,
            end_column: 0,
            message: String::new(),
        },
        prev: 0,
    });
    for (file, facts) in files {
        g.merge(file, facts);
    }
    let mut resolver = Resolver {
        g,
        project,
        callee_memo: HashMap::new(),
        ret_memo: Vec::new(),
        ret_busy: Vec::new(),
        site_memo: HashMap::new(),
        sinks_memo: Vec::new(),
        sinks_busy: Vec::new(),
        step_memo: HashMap::new(),
    };
    let phase1 = super::file::STATS_NANOS.load(std::sync::atomic::Ordering::Relaxed);
    let scopes1 = super::file::STATS_SCOPES.load(std::sync::atomic::Ordering::Relaxed);
    let started = std::time::Instant::now();
    let mut reread_time = 0.0;
    // Read the files defining the callees still unknown, and the scopes
    // whose data-flow sinks untrusted data may reach, a few rounds.
    let mut reread_files: HashSet<u32> = HashSet::new();
    let mut requested: HashSet<(u32, String)> = HashSet::new();
    for _ in 0..MAX_ROUNDS {
        resolver.reset();
        let mut wanted = resolver.missing();
        if !resolver.g.sources.is_empty() {
            wanted.extend(resolver.deferred_calling_sources());
        }
        let mut by_file: HashMap<u32, Request> = HashMap::new();
        for (file, path) in wanted {
            if !requested.insert((file, path.clone())) {
                continue;
            }
            if reread_files.len() >= MAX_REREAD_FILES && !reread_files.contains(&file) {
                continue;
            }
            reread_files.insert(file);
            let request = by_file.entry(file).or_insert_with(|| Request {
                file,
                paths: Vec::new(),
                pending: Vec::new(),
            });
            if let Some(at) = resolver
                .g
                .deferred
                .iter()
                .position(|(f, d)| *f == file && d.path == path)
            {
                let (_, deferred) = resolver.g.deferred.swap_remove(at);
                request.pending.extend(deferred.pending);
            }
            request.paths.push(path);
        }
        if by_file.is_empty() {
            break;
        }
        let mut requests: Vec<Request> = by_file.into_values().collect();
        requests.sort_by_key(|r| r.file);
        let reread_started = std::time::Instant::now();
        let facts = reread.reread(requests);
        reread_time += reread_started.elapsed().as_secs_f64();
        if facts.is_empty() {
            break;
        }
        for (file, facts) in facts {
            resolver.g.merge(file, facts);
        }
    }
    resolver.reset();
    if std::env::var_os("PYWARD_TAINT_STATS").is_some() {
        #[allow(clippy::print_stderr)]
        {
            eprintln!(
                "taint: phase1={:.3}s scopes1={} phase2={:.3}s reread={reread_time:.3}s candidates={} summaries={} sites={} reread_files={} requested={}",
                phase1 as f64 / 1e9,
                scopes1,
                started.elapsed().as_secs_f64(),
                resolver.g.candidates.len(),
                resolver.g.summaries.len(),
                resolver.g.sites.len(),
                reread_files.len(),
                requested.len()
            );
        }
    }

    // Untrusted data reaching each candidate: directly, or through the
    // arguments of a call whose callee passes them on to it.
    let mut hits: HashMap<u32, Label> = HashMap::new();
    let count = resolver.g.candidates.len();
    let mut closed: Vec<Taint> = Vec::with_capacity(count);
    for c in 0..count {
        let taint = resolver.g.candidates[c].taint.clone();
        let taint = resolver.close(&taint, 0);
        let class = resolver.g.candidates[c].class;
        if let Some(label) = taint
            .for_class(class)
            .find(|l| matches!(l.origin, Origin::Source(_)))
        {
            hits.insert(offset(c), *label);
        }
        closed.push(taint);
    }
    let summaries = offset(resolver.g.summaries.len());
    for summary in 0..summaries {
        let calls = resolver.g.summaries[summary as usize].calls.clone();
        for site in calls {
            let Some(callee) = resolver.callee(site) else {
                continue;
            };
            for sink in resolver.param_sinks(callee, 0) {
                if hits.contains_key(&sink.candidate) {
                    continue;
                }
                let class = resolver.g.candidates[sink.candidate as usize].class;
                let argument = resolver.argument(site, callee, sink.param);
                let argument = resolver.close(&argument, 0);
                let found = argument
                    .labels()
                    .iter()
                    .find(|l| {
                        matches!(l.origin, Origin::Source(_))
                            && !l.clean.union(sink.clean).contains(class)
                    })
                    .copied();
                if let Some(label) = found {
                    let through = resolver.step(site, label.via);
                    let via = resolver.concat(through, sink.via);
                    hits.insert(sink.candidate, Label { via, ..label });
                }
            }
        }
    }

    let mut verdicts = Vec::new();
    let candidates = std::mem::take(&mut resolver.g.candidates);
    for (c, candidate) in candidates.into_iter().enumerate() {
        let hit = hits.get(&offset(c)).copied();
        let unknown = closed[c]
            .for_class(candidate.class)
            .any(|l| matches!(l.origin, Origin::Unknown | Origin::Param(_)));
        let Candidate {
            mut finding,
            class,
            policy,
            gate,
            spot,
            sink,
            ..
        } = candidate;
        let mut path = Vec::new();
        match (policy, hit) {
            (Policy::Flow, None) => continue,
            (Policy::Flow, Some(_)) if gate == Some(false) => continue,
            (Policy::Bandit, None) if !unknown => continue,
            (_, Some(label)) => {
                let Origin::Source(source) = label.origin else {
                    continue;
                };
                path = resolver.path(source, label.via, &spot);
                let from = describe(&path[0], project);
                let to = place(&spot, project);
                finding.confidence = Some(Confidence::High);
                let message = match policy {
                    Policy::Flow => format!("{from} reaches `{sink}` ({to}){}", advice(class)),
                    Policy::Bandit => format!(
                        "{} {} reaches it: {from}.",
                        finding.message.as_deref().unwrap_or("").trim_end(),
                        match resolver.g.sources[source as usize].kind {
                            SourceKind::Local => "Local input",
                            SourceKind::Request | SourceKind::Declared => "Untrusted data",
                        }
                    ),
                };
                finding.message = Some(message);
            }
            (Policy::Bandit, None) => {}
        }
        if finding.severity < floors.severity
            || finding.confidence.unwrap_or(Confidence::Low) < floors.confidence
        {
            continue;
        }
        verdicts.push(Verdict { finding, path });
    }
    verdicts
}

/// "views.py:12".
fn place(spot: &Spot, project: &ProjectIndex) -> String {
    let path = project
        .files
        .get(spot.file as usize)
        .map_or("?", |f| f.relative.as_str());
    format!("{path}:{}", spot.line)
}

/// "request parameter `name` (views.py:12)".
fn describe(spot: &Spot, project: &ProjectIndex) -> String {
    let path = project
        .files
        .get(spot.file as usize)
        .map_or("?", |f| f.relative.as_str());
    let what = spot
        .message
        .strip_prefix("reaches ")
        .unwrap_or(&spot.message);
    if what.is_empty() {
        format!("{path}:{}", spot.line)
    } else {
        format!("{what} ({path}:{})", spot.line)
    }
}

fn advice(class: SinkClass) -> &'static str {
    match class {
        SinkClass::Sql => ": pass it as a query parameter",
        SinkClass::Command => ": pass arguments as a list, without a shell",
        SinkClass::Code => ": never evaluate untrusted text as code",
        SinkClass::Path => {
            ": keep it to a file name, or check the resolved path stays in its folder"
        }
        SinkClass::Xss => ": escape it for HTML or render it with a template",
        SinkClass::Template => ": pass it to a template as a variable, not as the template",
        SinkClass::Redirect => {
            ": check it with `url_has_allowed_host_and_scheme` or redirect to a fixed host"
        }
        SinkClass::Ssrf => ": fix the host, or check it against an allow-list",
        SinkClass::Ldap => ": escape it with `escape_filter_chars`",
        SinkClass::Xpath => ": pass it as an XPath variable",
        SinkClass::Xxe => ": parse with entities off (`resolve_entities=False`) or `defusedxml`",
        SinkClass::Deserialization => ": use a data-only format (JSON) or a safe loader",
        SinkClass::TrustBoundary => ": validate it before storing it in the session",
        SinkClass::Header => ": strip CR and LF, or reject them",
        SinkClass::Log => ": strip CR and LF before logging it",
    }
}
