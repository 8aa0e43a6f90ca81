//! One run over a tree: each file walked and analysed on its own (in
//! parallel), then the project-wide data-flow pass that decides the
//! findings waiting for it.

use pyward_model::{CodeDetail, Detail, Finding, RelatedLocation};
use rayon::prelude::*;
use ruff_python_ast::ModModule;
use ruff_source_file::LineIndex;

use crate::Limits;
use crate::checker::WalkOutput;
use crate::settings::Settings;
use crate::taint::facts::{FileFacts, Spot};
use crate::taint::file::{FileInput, FileWork, analyze_file};
use crate::taint::project::ProjectIndex;
use crate::taint::resolve::{self, Floors, Request, Reread};

/// What checking one file gives: findings decided by the walk, and the
/// facts the project-wide pass needs (none when nothing waits for it).
pub(crate) struct FileOutcome {
    pub(crate) findings: Vec<Finding>,
    pub(crate) facts: Option<FileFacts>,
}

/// Runs the taint analysis of a walked file, when something needs it.
pub(crate) fn analyze(
    walked: WalkOutput,
    source: &str,
    line_index: &LineIndex,
    module: &ModModule,
    settings: &Settings,
    project: &ProjectIndex,
    file: u32,
) -> FileOutcome {
    let WalkOutput { findings, work } = walked;
    if work.pending.is_empty() && work.sources.is_empty() {
        return FileOutcome {
            findings,
            facts: None,
        };
    }
    let input = file_input(source, line_index, module, project, file);
    let facts = analyze_file(&input, &settings.taint, work, &[]);
    FileOutcome {
        findings,
        facts: Some(facts),
    }
}

fn file_input<'a>(
    source: &'a str,
    line_index: &'a LineIndex,
    module: &'a ModModule,
    project: &'a ProjectIndex,
    file: u32,
) -> FileInput<'a> {
    let info = project.files.get(file as usize);
    FileInput {
        source,
        line_index,
        module,
        file,
        module_name: info.map_or_else(String::new, |f| f.module.clone()),
        package: info.map_or_else(String::new, |f| f.package.clone()),
        project,
    }
}

/// The summaries of the functions `paths` (dotted paths in the file) of a
/// file read again, and the verdicts of its deferred findings `pending`;
/// `None` when it cannot be read or parsed.
pub(crate) fn summarize(
    source: &str,
    settings: &Settings,
    project: &ProjectIndex,
    file: u32,
    request: Request,
    limits: Limits,
) -> Option<FileFacts> {
    let parsed = crate::parse_within("", source, limits).ok()?;
    let line_index = LineIndex::from_source_text(source);
    let input = file_input(source, &line_index, parsed.syntax(), project, file);
    let work = FileWork {
        pending: request.pending,
        ..FileWork::default()
    };
    Some(analyze_file(&input, &settings.taint, work, &request.paths))
}

/// Reads files of the tree again, in parallel, for the summaries the
/// project-wide pass asks for.
pub(crate) struct TreeReread<'a> {
    pub(crate) project: &'a ProjectIndex,
    pub(crate) settings: &'a Settings,
    pub(crate) limits: Limits,
}

impl Reread for TreeReread<'_> {
    fn reread(&mut self, requests: Vec<Request>) -> Vec<(u32, FileFacts)> {
        requests
            .into_par_iter()
            .filter_map(|request| {
                let file = request.file;
                let info = self.project.files.get(file as usize)?;
                let bytes = pyward_fs::read(&info.path, self.limits.max_file_size).ok()?;
                let source = crate::decode(&info.relative, &bytes).ok()?;
                summarize(
                    &source,
                    self.settings,
                    self.project,
                    file,
                    request,
                    self.limits,
                )
                .map(|f| (file, f))
            })
            .collect()
    }
}

/// Reads the one file of a run again (when a file is checked alone).
pub(crate) struct SourceReread<'a> {
    pub(crate) source: &'a str,
    pub(crate) project: &'a ProjectIndex,
    pub(crate) settings: &'a Settings,
    pub(crate) limits: Limits,
}

impl Reread for SourceReread<'_> {
    fn reread(&mut self, requests: Vec<Request>) -> Vec<(u32, FileFacts)> {
        requests
            .into_iter()
            .filter(|request| request.file == 0)
            .filter_map(|request| {
                summarize(
                    self.source,
                    self.settings,
                    self.project,
                    0,
                    request,
                    self.limits,
                )
                .map(|f| (0, f))
            })
            .collect()
    }
}

/// The findings decided by the project-wide pass over these facts.
pub(crate) fn finish(
    facts: Vec<(u32, FileFacts)>,
    project: &ProjectIndex,
    settings: &Settings,
    reread: &mut dyn Reread,
) -> Vec<Finding> {
    if facts.is_empty() {
        return Vec::new();
    }
    let floors = Floors {
        severity: settings.severity,
        confidence: settings.confidence,
    };
    resolve::resolve(facts, project, reread, floors)
        .into_iter()
        .map(|verdict| {
            let mut finding = verdict.finding;
            if !verdict.path.is_empty() {
                let flow = verdict
                    .path
                    .iter()
                    .map(|spot| related(spot, project))
                    .collect();
                match &mut finding.detail {
                    Some(Detail::Code(code)) => code.flow = flow,
                    _ => {
                        finding.detail = Some(Detail::Code(CodeDetail {
                            snippet: None,
                            flow,
                        }));
                    }
                }
            }
            finding
        })
        .collect()
}

fn related(spot: &Spot, project: &ProjectIndex) -> RelatedLocation {
    RelatedLocation {
        path: project
            .files
            .get(spot.file as usize)
            .map_or_else(String::new, |f| f.relative.clone()),
        line: spot.line,
        column: spot.column,
        end_line: Some(spot.end_line),
        end_column: Some(spot.end_column),
        message: spot.message.clone(),
    }
}

/// Findings in report order: path, line, column, id.
pub(crate) fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        let key = |f: &Finding| {
            f.location
                .as_ref()
                .map(|l| (l.path.clone(), l.line, l.column))
        };
        key(a).cmp(&key(b)).then_with(|| a.id.cmp(&b.id))
    });
}
