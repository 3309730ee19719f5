//! Every real-world vCard export in `../shared/fixtures/vcards/` (beside the
//! repository; see SOURCE.md there) imports without a rejected card, with
//! names carried over. The files are not copied into the repository: when
//! the folder is absent the test says plainly that it skipped them.

use std::path::PathBuf;

/// The fixtures folder: `TICKLER_VCARD_FIXTURES`, else `../shared/fixtures/vcards` from the repository root.
fn fixtures() -> PathBuf {
    std::env::var_os("TICKLER_VCARD_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/vcards"))
}

#[test]
fn every_shared_vcard_export_imports() {
    let folder = fixtures();
    let Ok(entries) = std::fs::read_dir(&folder) else {
        println!("SKIPPED: the shared vCard fixtures are not at {}; none of them was imported", folder.display());
        return;
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "vcf"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .vcf file in {}", folder.display());
    let mut cards = 0;
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        let rows = tickler_transfer::read_vcards(&bytes).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(!rows.is_empty(), "{}: no card", file.display());
        for row in rows {
            let row = row.unwrap_or_else(|issue| panic!("{}: card {} rejected: {issue:?}", file.display(), issue.row));
            println!(
                "{}: {} | org {:?} | {} emails | {} phones | birthday {:?} | tags {:?} | {} warnings",
                file.file_name().unwrap().to_string_lossy(),
                row.details.name.as_str(),
                row.details.organisation,
                row.details.emails.len(),
                row.details.phones.len(),
                row.details.birthday,
                row.details.tags.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
                row.warnings.len()
            );
            cards += 1;
        }
    }
    let iphone = tickler_transfer::read_vcards(&std::fs::read(folder.join("John_Doe_IPHONE.vcf")).unwrap()).unwrap();
    let john = iphone[0].as_ref().unwrap();
    assert_eq!(john.details.name.as_str(), "Mr. John Richter James Doe Sr.");
    assert_eq!(john.details.organisation.as_deref(), Some("IBM"));
    assert_eq!(john.details.emails[0].as_str(), "john.doe@ibm.com");
    assert_eq!(john.details.birthday, Some(jiff::civil::date(2012, 6, 6)));
    let thunderbird = std::fs::read(folder.join("thunderbird-MoreFunctionsForAddressBook-extension.vcf")).unwrap();
    let cards_read = tickler_transfer::read_vcards(&thunderbird).unwrap();
    let tags = &cards_read[0].as_ref().unwrap().details.tags;
    assert_eq!(tags.iter().map(|t| t.as_str()).collect::<Vec<_>>(), ["category1", "category2", "category3"]);
    println!("imported {cards} cards from {} files in {}", files.len(), folder.display());
}
