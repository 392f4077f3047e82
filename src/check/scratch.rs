#[test]
#[ignore]
fn scratch_run_over_inputs() {
    let dir = std::env::var("SCRATCH_DIR").unwrap_or("seeds".into());
    fn walk(d: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out)
            } else {
                out.push(p)
            }
        }
    }
    let mut paths = Vec::new();
    walk(std::path::Path::new(&dir), &mut paths);
    paths.sort();
    let mut docs = Vec::new();
    let mut all = Vec::new();
    for p in paths {
        if !p.is_file() {
            continue;
        }
        let bytes = std::fs::read(&p).unwrap();
        let t0 = std::time::Instant::now();
        let out = crate::pipeline::process(&p.display().to_string(), &bytes);
        eprintln!("processed {} in {:?}", p.display(), t0.elapsed());
        let Some(doc) = out.document.clone() else {
            continue;
        };
        let facts = super::DocFacts {
            doc_id: &doc.doc_id,
            measures: &out.measures,
            dates: &out.dates,
            cells: &out.cells,
        };
        let t = std::time::Instant::now();
        let found = super::check_document(&facts, &super::Config::default());
        if !found.is_empty() || t.elapsed().as_millis() > 200 {
            eprintln!(
                "{}: {} measures {} dates {} cells -> {} findings in {:?}",
                p.display(),
                out.measures.len(),
                out.dates.len(),
                out.cells.len(),
                found.len(),
                t.elapsed()
            );
        }
        all.extend(found);
        docs.push(doc);
    }
    println!("{}", crate::report::render(&docs, &all));
}

#[test]
#[ignore]
fn scratch_dump_measures() {
    let p = std::env::var("SCRATCH_FILE").unwrap();
    let bytes = std::fs::read(&p).unwrap();
    let out = crate::pipeline::process(&p, &bytes);
    for m in &out.measures {
        eprintln!("{} {:?}/{:?}/{:?} {:?} {:?} {:?} fy{:?}-{:?} cum={} v={} dec={} sc={} raw={:?} ind={:?} ent={:?} pl={:?}", m.measure_id, m.table_id, m.table_row, m.table_col, m.stance, m.measure, m.unit, m.fy_start, m.fy_end, m.cumulative, m.value, m.decimals, m.scale, m.raw, m.indicator, m.entity, m.period_label);
    }
    for d in &out.dates {
        if d.western_stated.is_some()
            || d.length_stated.is_some()
            || d.sequence.is_some()
            || d.problem.is_some()
            || d.weekday_stated.is_some()
        {
            eprintln!("{:?}", d);
        }
    }
}
