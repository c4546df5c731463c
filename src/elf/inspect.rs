//! Read the facts abiport checks from one ELF image: header, decoded e_flags, PT_INTERP,
//! PT_LOAD alignment, `.MIPS.abiflags`, Go build info. Never panics on bad input.

use super::buildinfo::{self, BuildInfo};
use super::consts::*;
use super::platform;
use crate::arch::Arch;
use goblin::container::{Container, Ctx, Endian};
use goblin::elf::dynamic::{Dynamic, DF_1_PIE};
use goblin::elf::header::{Header, ET_CORE, ET_DYN, ET_EXEC, ET_REL};
use goblin::elf::program_header::{ProgramHeader, PT_INTERP, PT_LOAD};
use goblin::elf::section_header::SectionHeader;
use serde::Serialize;

pub const ELF_MAGIC: &[u8; 4] = b"\x7fELF";

pub fn is_elf(bytes: &[u8]) -> bool {
    bytes.starts_with(ELF_MAGIC)
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ElfInfo {
    /// 32 or 64.
    pub class: u8,
    /// `little` or `big`.
    pub endian: &'static str,
    pub machine: u16,
    pub machine_name: &'static str,
    pub os_abi: u8,
    pub os_abi_name: &'static str,
    /// `exec`, `pie`, `dyn` (shared object), `rel`, `core` or `other`.
    pub kind: &'static str,
    pub e_type: u16,
    pub flags: u32,
    /// Per-machine decoding of `flags`; `None` for machines without flag bits to decode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flags_decoded: Option<Flags>,
    /// The GOARCH that machine, class and byte order describe.
    #[serde(serialize_with = "ser_opt_arch")]
    pub arch: Option<Arch>,
    pub interp: Option<String>,
    pub loads: Vec<Load>,
    pub buildinfo: Option<BuildInfo>,
    /// Why `.go.buildinfo` was present but unreadable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buildinfo_error: Option<String>,
}

fn ser_opt_arch<S: serde::Serializer>(a: &Option<Arch>, s: S) -> Result<S::Ok, S::Error> {
    match a {
        Some(a) => s.serialize_str(a.name()),
        None => s.serialize_none(),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Load {
    pub offset: u64,
    pub vaddr: u64,
    pub align: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "family", rename_all = "lowercase")]
pub enum Flags {
    Mips {
        /// `n64`, `n32`, `o32`, `o64`, `eabi32`, `eabi64`
        abi: &'static str,
        /// `mips1` … `mips64r6`, the names readelf prints
        isa: &'static str,
        nan2008: bool,
        pic: bool,
        cpic: bool,
        noreorder: bool,
        fp64: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        abiflags: Option<MipsAbiFlags>,
    },
    Riscv {
        /// `soft`, `single`, `double`, `quad`
        float_abi: &'static str,
        rvc: bool,
        rve: bool,
        tso: bool,
    },
    Ppc64 {
        /// 1 (ELFv1, function descriptors), 2 (ELFv2), 0 (unspecified)
        elf_abi: u8,
    },
    Arm {
        /// EABI version, 0 for the old ABI
        eabi: u8,
        /// `hard`, `soft` or `unspecified`
        float_abi: &'static str,
    },
    S390 {
        high_gprs: bool,
    },
    Loongarch {
        /// `soft`, `single`, `double` or `unknown`
        float_abi: &'static str,
    },
}

/// `Elf_MIPS_ABIFlags_v0` from `.MIPS.abiflags` / PT_MIPS_ABIFLAGS.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MipsAbiFlags {
    pub version: u16,
    pub isa_level: u8,
    pub isa_rev: u8,
    pub gpr_size: u8,
    pub cpr1_size: u8,
    /// Val_GNU_MIPS_ABI_FP_* name
    pub fp_abi: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElfError(pub String);

impl std::fmt::Display for ElfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn err(s: impl Into<String>) -> ElfError {
    ElfError(s.into())
}

/// Parse one ELF image. Bounds are checked before goblin allocates anything sized by
/// the file, so huge header counts fail fast instead of exhausting memory.
pub fn inspect(bytes: &[u8]) -> Result<ElfInfo, ElfError> {
    if !is_elf(bytes) {
        return Err(err("not an ELF file"));
    }
    if bytes.len() < 16 {
        return Err(err("truncated ELF identification"));
    }
    let class = match bytes[4] {
        1 => 32u8,
        2 => 64,
        c => return Err(err(format!("invalid ELF class {c}"))),
    };
    let little = match bytes[5] {
        1 => true,
        2 => false,
        d => return Err(err(format!("invalid ELF data encoding {d}"))),
    };
    let hsize = if class == 64 { 64 } else { 52 };
    if bytes.len() < hsize {
        return Err(err(format!(
            "truncated ELF header: {} of {hsize} bytes",
            bytes.len()
        )));
    }
    let header: Header =
        goblin::elf::Elf::parse_header(bytes).map_err(|e| err(format!("bad ELF header: {e}")))?;
    let ctx = Ctx::new(
        if class == 64 {
            Container::Big
        } else {
            Container::Little
        },
        if little { Endian::Little } else { Endian::Big },
    );

    let phs = table(
        bytes,
        header.e_phoff,
        header.e_phnum as u64,
        header.e_phentsize as u64,
        ProgramHeader::size(ctx) as u64,
        "program header",
    )?;
    let program_headers = if phs {
        ProgramHeader::parse(bytes, header.e_phoff as usize, header.e_phnum as usize, ctx)
            .map_err(|e| err(format!("bad program headers: {e}")))?
    } else {
        Vec::new()
    };

    // section headers are optional (stripped binaries); a broken table only loses
    // section lookups, so it is an error only when it points outside the file
    let shs = table(
        bytes,
        header.e_shoff,
        header.e_shnum as u64,
        header.e_shentsize as u64,
        SectionHeader::size(ctx) as u64,
        "section header",
    )?;
    let sections = if shs {
        SectionHeader::parse(bytes, header.e_shoff as usize, header.e_shnum as usize, ctx)
            .map_err(|e| err(format!("bad section headers: {e}")))?
    } else {
        Vec::new()
    };
    let shstr = sections
        .get(header.e_shstrndx as usize)
        .and_then(|sh| slice(bytes, sh.sh_offset, sh.sh_size));
    let section_data = |name: &str| -> Option<(&SectionHeader, &[u8])> {
        let names = shstr?;
        sections.iter().find_map(|sh| {
            let n = cstr_at(names, sh.sh_name)?;
            if n == name.as_bytes() {
                Some((sh, slice(bytes, sh.sh_offset, sh.sh_size)?))
            } else {
                None
            }
        })
    };

    let mut interp = None;
    let mut loads = Vec::new();
    for ph in &program_headers {
        match ph.p_type {
            PT_INTERP => {
                let raw = slice(bytes, ph.p_offset, ph.p_filesz)
                    .ok_or_else(|| err("PT_INTERP points outside the file"))?;
                let raw = raw.split(|&b| b == 0).next().unwrap_or(raw);
                interp = Some(String::from_utf8_lossy(raw).into_owned());
            }
            PT_LOAD => {
                // a segment past the end cannot be mapped: the file was cut short
                let end = ph.p_offset.checked_add(ph.p_filesz);
                if end.is_none_or(|e| e > bytes.len() as u64) {
                    return Err(err(format!(
                        "truncated: PT_LOAD at offset {:#x} needs {:#x} bytes, the file has {:#x}",
                        ph.p_offset,
                        ph.p_filesz,
                        bytes.len()
                    )));
                }
                loads.push(Load {
                    offset: ph.p_offset,
                    vaddr: ph.p_vaddr,
                    align: ph.p_align,
                })
            }
            _ => {}
        }
    }

    let kind = match header.e_type {
        ET_EXEC => "exec",
        ET_DYN => {
            let pie_flag = Dynamic::parse(bytes, &program_headers, ctx)
                .ok()
                .flatten()
                .is_some_and(|d| d.info.flags_1 & DF_1_PIE != 0);
            // old linkers set no DF_1_PIE; a loader request still means an executable
            if pie_flag || interp.is_some() {
                "pie"
            } else {
                "dyn"
            }
        }
        ET_REL => "rel",
        ET_CORE => "core",
        _ => "other",
    };

    let machine = header.e_machine;
    let flags = header.e_flags;
    let flags_decoded = match machine {
        EM_MIPS => {
            let abiflags = section_data(".MIPS.abiflags")
                .map(|(_, d)| d)
                .or_else(|| {
                    program_headers
                        .iter()
                        .find(|p| p.p_type == PT_MIPS_ABIFLAGS)
                        .and_then(|p| slice(bytes, p.p_offset, p.p_filesz))
                })
                .and_then(|d| mips_abiflags(d, little));
            Some(decode_mips(flags, class == 64, abiflags))
        }
        EM_RISCV => Some(Flags::Riscv {
            float_abi: match flags & EF_RISCV_FLOAT_ABI {
                EF_RISCV_FLOAT_ABI_SOFT => "soft",
                EF_RISCV_FLOAT_ABI_SINGLE => "single",
                EF_RISCV_FLOAT_ABI_DOUBLE => "double",
                EF_RISCV_FLOAT_ABI_QUAD => "quad",
                _ => "unknown",
            },
            rvc: flags & EF_RISCV_RVC != 0,
            rve: flags & EF_RISCV_RVE != 0,
            tso: flags & EF_RISCV_TSO != 0,
        }),
        EM_PPC64 => Some(Flags::Ppc64 {
            elf_abi: (flags & EF_PPC64_ABI) as u8,
        }),
        EM_ARM => Some(Flags::Arm {
            eabi: ((flags & EF_ARM_EABIMASK) >> 24) as u8,
            float_abi: if flags & EF_ARM_EABIMASK < EF_ARM_EABI_VER5 {
                // before EABI5 these bits meant other things (EF_ARM_SOFT_FLOAT…)
                "unspecified"
            } else if flags & EF_ARM_ABI_FLOAT_HARD != 0 {
                "hard"
            } else if flags & EF_ARM_ABI_FLOAT_SOFT != 0 {
                "soft"
            } else {
                "unspecified"
            },
        }),
        EM_S390 => Some(Flags::S390 {
            high_gprs: flags & EF_S390_HIGH_GPRS != 0,
        }),
        EM_LOONGARCH => Some(Flags::Loongarch {
            float_abi: match flags & EF_LARCH_ABI_MODIFIER_MASK {
                EF_LARCH_ABI_SOFT_FLOAT => "soft",
                EF_LARCH_ABI_SINGLE_FLOAT => "single",
                EF_LARCH_ABI_DOUBLE_FLOAT => "double",
                _ => "unknown",
            },
        }),
        _ => None,
    };

    // Go build info: the section when present, else the magic in a writable segment
    // (section headers stripped)
    let mut bi_err = None;
    let bi_blob = section_data(".go.buildinfo").map(|(_, d)| d).or_else(|| {
        program_headers
            .iter()
            .filter(|p| p.p_type == PT_LOAD && p.p_flags & 2 != 0)
            .filter_map(|p| slice(bytes, p.p_offset, p.p_filesz))
            .find_map(buildinfo::find_magic)
    });
    let buildinfo = bi_blob.and_then(|blob| {
        let read = |addr: u64, len: u64| vaddr_slice(bytes, &program_headers, addr, len);
        match buildinfo::parse(blob, &read) {
            Ok(b) => Some(b),
            Err(e) => {
                bi_err = Some(e.to_string());
                None
            }
        }
    });

    Ok(ElfInfo {
        class,
        endian: if little { "little" } else { "big" },
        machine,
        machine_name: machine_name(machine),
        os_abi: bytes[7],
        os_abi_name: osabi_name(bytes[7]),
        kind,
        e_type: header.e_type,
        flags,
        flags_decoded,
        arch: platform::arch_of(machine, class == 64, !little),
        interp,
        loads,
        buildinfo,
        buildinfo_error: bi_err,
    })
}

/// Check a header table lies inside the file. `Ok(false)` when the table is absent.
fn table(
    bytes: &[u8],
    off: u64,
    num: u64,
    entsize: u64,
    want_entsize: u64,
    what: &str,
) -> Result<bool, ElfError> {
    if off == 0 || num == 0 {
        return Ok(false);
    }
    if entsize != want_entsize {
        return Err(err(format!(
            "{what} entry size {entsize}, expected {want_entsize}"
        )));
    }
    let end = num
        .checked_mul(entsize)
        .and_then(|n| n.checked_add(off))
        .ok_or_else(|| err(format!("{what} table size overflows")))?;
    if end > bytes.len() as u64 {
        return Err(err(format!(
            "{what} table ({num} entries at offset {off:#x}) ends past the end of the file ({} bytes)",
            bytes.len()
        )));
    }
    Ok(true)
}

fn slice(bytes: &[u8], off: u64, len: u64) -> Option<&[u8]> {
    let start = usize::try_from(off).ok()?;
    let end = start.checked_add(usize::try_from(len).ok()?)?;
    bytes.get(start..end)
}

fn cstr_at(table: &[u8], at: usize) -> Option<&[u8]> {
    let s = table.get(at..)?;
    Some(&s[..memchr::memchr(0, s)?])
}

/// File bytes behind a virtual address range, through the PT_LOAD that maps it.
fn vaddr_slice<'a>(
    bytes: &'a [u8],
    phs: &[ProgramHeader],
    addr: u64,
    len: u64,
) -> Option<&'a [u8]> {
    phs.iter().filter(|p| p.p_type == PT_LOAD).find_map(|p| {
        let rel = addr.checked_sub(p.p_vaddr)?;
        if rel.checked_add(len)? > p.p_filesz {
            return None;
        }
        slice(bytes, p.p_offset.checked_add(rel)?, len)
    })
}

fn decode_mips(flags: u32, class64: bool, abiflags: Option<MipsAbiFlags>) -> Flags {
    let abi = match flags & EF_MIPS_ABI {
        E_MIPS_ABI_O32 => "o32",
        E_MIPS_ABI_O64 => "o64",
        E_MIPS_ABI_EABI32 => "eabi32",
        E_MIPS_ABI_EABI64 => "eabi64",
        0 if flags & EF_MIPS_ABI2 != 0 => "n32",
        0 if class64 => "n64",
        // an ELF32 with no ABI bits is o32 (the gcc default before the bits existed)
        0 => "o32",
        _ => "unknown",
    };
    let isa = match flags & EF_MIPS_ARCH {
        EF_MIPS_ARCH_1 => "mips1",
        EF_MIPS_ARCH_2 => "mips2",
        EF_MIPS_ARCH_3 => "mips3",
        EF_MIPS_ARCH_4 => "mips4",
        EF_MIPS_ARCH_5 => "mips5",
        EF_MIPS_ARCH_32 => "mips32",
        EF_MIPS_ARCH_64 => "mips64",
        EF_MIPS_ARCH_32R2 => "mips32r2",
        EF_MIPS_ARCH_64R2 => "mips64r2",
        EF_MIPS_ARCH_32R6 => "mips32r6",
        EF_MIPS_ARCH_64R6 => "mips64r6",
        _ => "unknown",
    };
    Flags::Mips {
        abi,
        isa,
        nan2008: flags & EF_MIPS_NAN2008 != 0,
        pic: flags & EF_MIPS_PIC != 0,
        cpic: flags & EF_MIPS_CPIC != 0,
        noreorder: flags & EF_MIPS_NOREORDER != 0,
        fp64: flags & EF_MIPS_FP64 != 0,
        abiflags,
    }
}

fn mips_abiflags(d: &[u8], little: bool) -> Option<MipsAbiFlags> {
    let d = d.get(..MIPS_ABIFLAGS_SIZE)?;
    let version = if little {
        u16::from_le_bytes([d[0], d[1]])
    } else {
        u16::from_be_bytes([d[0], d[1]])
    };
    Some(MipsAbiFlags {
        version,
        isa_level: d[2],
        isa_rev: d[3],
        gpr_size: reg_bits(d[4]),
        cpr1_size: reg_bits(d[5]),
        fp_abi: MIPS_FP_ABI_NAMES
            .get(d[7] as usize)
            .copied()
            .unwrap_or("unknown"),
    })
}

/// MIPS_AFL_REG_* → register width in bits.
fn reg_bits(v: u8) -> u8 {
    match v {
        1 => 32,
        2 => 64,
        3 => 128,
        _ => 0,
    }
}

/// The flag words readelf prints after the hex value, for human output.
pub fn flag_words(f: &Flags) -> Vec<String> {
    match f {
        Flags::Mips {
            abi,
            isa,
            nan2008,
            pic,
            cpic,
            noreorder,
            fp64,
            abiflags,
        } => {
            let mut v = vec![abi.to_string(), isa.to_string()];
            for (on, w) in [
                (*noreorder, "noreorder"),
                (*pic, "pic"),
                (*cpic, "cpic"),
                (*nan2008, "nan2008"),
                (*fp64, "fp64"),
            ] {
                if on {
                    v.push(w.into());
                }
            }
            if let Some(a) = abiflags {
                v.push(format!(
                    "abiflags: isa mips{}r{}, gpr {}, fp {}",
                    a.isa_level, a.isa_rev, a.gpr_size, a.fp_abi
                ));
            }
            v
        }
        Flags::Riscv {
            float_abi,
            rvc,
            rve,
            tso,
        } => {
            let mut v = vec![format!("{float_abi}-float abi")];
            for (on, w) in [(*rvc, "rvc"), (*rve, "rve"), (*tso, "tso")] {
                if on {
                    v.push(w.into());
                }
            }
            v
        }
        Flags::Ppc64 { elf_abi } => vec![match elf_abi {
            0 => "abi unspecified".into(),
            n => format!("elfv{n}"),
        }],
        Flags::Arm { eabi, float_abi } => vec![
            if *eabi == 0 {
                "old abi".into()
            } else {
                format!("eabi{eabi}")
            },
            format!("{float_abi}-float"),
        ],
        Flags::S390 { high_gprs } => {
            if *high_gprs {
                vec!["highgprs".into()]
            } else {
                vec![]
            }
        }
        Flags::Loongarch { float_abi } => vec![format!("{float_abi}-float abi")],
    }
}
