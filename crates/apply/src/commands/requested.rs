//! `--target` and `--replace` over files of several regions: each address
//! is looked up in every region's estate and goes to the one region that
//! has it; one that several regions have is an error naming them, unless
//! written with its region first (`nm9:gateway.gwszdr01`).

use plan::action::Requested;
use plan::{NormalisedInventory, Plan};
use std::collections::BTreeSet;

/// Every address a region's estate knows: its live objects, the objects
/// its full plan changes, and those it leaves unmanaged.
pub fn known_addresses(plan: &Plan, inventory: &NormalisedInventory) -> BTreeSet<String> {
    let mut known: BTreeSet<String> = inventory.fingerprints().into_keys().collect();
    known.extend(plan.actions.iter().map(|a| a.address.clone()));
    known.extend(plan.unmanaged.iter().map(|u| u.address.clone()));
    known
}

/// The requested addresses, one [`Requested`] per region (in the order of
/// `regions`, each a region id and what it knows). `Err` says which address
/// names no object, or objects in several regions.
pub fn split(
    requested: &Requested,
    regions: &[(&str, BTreeSet<String>)],
) -> Result<Vec<Requested>, String> {
    let mut split = vec![Requested::default(); regions.len()];
    for (flag, addresses) in [
        ("--target", &requested.targets),
        ("--replace", &requested.replace),
    ] {
        for address in addresses {
            let (at, bare) = region_of(flag, address, regions)?;
            let list = match flag {
                "--target" => &mut split[at].targets,
                _ => &mut split[at].replace,
            };
            if !list.iter().any(|a| a == bare) {
                list.push(bare.to_owned());
            }
        }
    }
    Ok(split)
}

/// The index of the region `address` is for, and the address without its
/// region prefix.
fn region_of<'a>(
    flag: &str,
    address: &'a str,
    regions: &[(&str, BTreeSet<String>)],
) -> Result<(usize, &'a str), String> {
    // `region:address`; an address itself may hold colons (IPv6
    // destinations), but never before its first dot.
    if let Some((region, bare)) = address.split_once(':') {
        if !region.contains('.') {
            return regions
                .iter()
                .position(|(r, _)| *r == region)
                .map(|at| (at, bare))
                .ok_or_else(|| {
                    format!(
                        "{flag} {address}: the files name no region {region} (they name {})",
                        names(regions.iter().map(|(r, _)| *r))
                    )
                });
        }
    }
    let holders: Vec<usize> = regions
        .iter()
        .enumerate()
        .filter(|(_, (_, known))| known.contains(address))
        .map(|(at, _)| at)
        .collect();
    match holders.as_slice() {
        [one] => Ok((*one, address)),
        [] => Err(format!(
            "{flag} {address}: no object of that address in any region of the files ({})",
            names(regions.iter().map(|(r, _)| *r))
        )),
        several => {
            let which: Vec<&str> = several.iter().map(|&at| regions[at].0).collect();
            Err(format!(
                "{flag} {address}: regions {} each have an object of that address; say which with its region first, e.g. `{flag} {}:{address}`",
                names(which.iter().copied()),
                which[0]
            ))
        }
    }
}

fn names<'a>(regions: impl Iterator<Item = &'a str>) -> String {
    regions.collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(addresses: &[&str]) -> BTreeSet<String> {
        addresses.iter().map(|a| (*a).to_owned()).collect()
    }

    fn regions() -> Vec<(&'static str, BTreeSet<String>)> {
        vec![
            (
                "nm8",
                known(&["gateway.gw1", "gateway.shared", "physical_line.a"]),
            ),
            ("nm9", known(&["gateway.gw9", "gateway.shared"])),
        ]
    }

    fn targets(list: &[&str]) -> Requested {
        Requested {
            targets: list.iter().map(|a| (*a).to_owned()).collect(),
            replace: Vec::new(),
        }
    }

    #[test]
    fn each_address_goes_to_the_region_that_has_it() {
        let mut asked = targets(&["gateway.gw9", "gateway.gw1"]);
        asked.replace = vec!["nm9:gateway.shared".into()];
        let split = split(&asked, &regions()).unwrap();
        assert_eq!(split[0].targets, ["gateway.gw1"]);
        assert!(split[0].replace.is_empty());
        assert_eq!(split[1].targets, ["gateway.gw9"]);
        assert_eq!(split[1].replace, ["gateway.shared"]);
    }

    #[test]
    fn an_address_of_two_regions_or_none_is_refused() {
        let err = split(&targets(&["gateway.shared"]), &regions()).unwrap_err();
        assert!(err.contains("regions nm8, nm9 each have"), "{err}");
        assert!(err.contains("`--target nm8:gateway.shared`"), "{err}");
        let err = split(&targets(&["gateway.nope"]), &regions()).unwrap_err();
        assert!(
            err.contains("in any region of the files (nm8, nm9)"),
            "{err}"
        );
        let err = split(&targets(&["nm7:gateway.gw1"]), &regions()).unwrap_err();
        assert!(err.contains("no region nm7"), "{err}");
    }

    #[test]
    fn a_colon_after_the_first_dot_is_part_of_the_address() {
        let v6 = "static_route.gw1.2001:db8::/32";
        let regions = vec![("nm8", known(&[v6])), ("nm9", known(&[]))];
        let split = split(&targets(&[v6]), &regions).unwrap();
        assert_eq!(split[0].targets, [v6]);
    }
}
