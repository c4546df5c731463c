//! ELF constants goblin lacks. Values from glibc 2.36 `elf.h` unless marked binutils
//! (`include/elf/mips.h`), where glibc has no definition.

// e_machine (glibc `elf.h`; goblin has most, named here so one table covers them)
pub const EM_386: u16 = 3;
pub const EM_MIPS: u16 = 8;
pub const EM_PPC: u16 = 20;
pub const EM_PPC64: u16 = 21;
pub const EM_S390: u16 = 22;
pub const EM_ARM: u16 = 40;
pub const EM_X86_64: u16 = 62;
pub const EM_AARCH64: u16 = 183;
pub const EM_RISCV: u16 = 243;
pub const EM_LOONGARCH: u16 = 258;

// EI_OSABI
pub const ELFOSABI_SYSV: u8 = 0;
pub const ELFOSABI_GNU: u8 = 3;

// MIPS e_flags
pub const EF_MIPS_NOREORDER: u32 = 1;
pub const EF_MIPS_PIC: u32 = 2;
pub const EF_MIPS_CPIC: u32 = 4;
pub const EF_MIPS_ABI2: u32 = 32;
pub const EF_MIPS_FP64: u32 = 512;
pub const EF_MIPS_NAN2008: u32 = 1024;
pub const EF_MIPS_ARCH: u32 = 0xf000_0000;
pub const EF_MIPS_ARCH_1: u32 = 0x0000_0000;
pub const EF_MIPS_ARCH_2: u32 = 0x1000_0000;
pub const EF_MIPS_ARCH_3: u32 = 0x2000_0000;
pub const EF_MIPS_ARCH_4: u32 = 0x3000_0000;
pub const EF_MIPS_ARCH_5: u32 = 0x4000_0000;
pub const EF_MIPS_ARCH_32: u32 = 0x5000_0000;
pub const EF_MIPS_ARCH_64: u32 = 0x6000_0000;
pub const EF_MIPS_ARCH_32R2: u32 = 0x7000_0000;
pub const EF_MIPS_ARCH_64R2: u32 = 0x8000_0000;
/// binutils `include/elf/mips.h`
pub const EF_MIPS_ARCH_32R6: u32 = 0x9000_0000;
/// binutils `include/elf/mips.h`
pub const EF_MIPS_ARCH_64R6: u32 = 0xa000_0000;
/// binutils `include/elf/mips.h`: the 32-bit ABI variant, 0 for n64 / n32
pub const EF_MIPS_ABI: u32 = 0x0000_f000;
pub const E_MIPS_ABI_O32: u32 = 0x0000_1000;
pub const E_MIPS_ABI_O64: u32 = 0x0000_2000;
pub const E_MIPS_ABI_EABI32: u32 = 0x0000_3000;
pub const E_MIPS_ABI_EABI64: u32 = 0x0000_4000;

/// binutils `include/elf/mips.h`
pub const SHT_MIPS_ABIFLAGS: u32 = 0x7000_002a;
pub const PT_MIPS_ABIFLAGS: u32 = 0x7000_0003;
/// `sizeof(Elf_MIPS_ABIFlags_v0)`
pub const MIPS_ABIFLAGS_SIZE: usize = 24;

// Val_GNU_MIPS_ABI_FP_*
pub const MIPS_FP_ABI_NAMES: [&str; 8] = [
    "any", "double", "single", "soft", "old-64", "xx", "64", "64a",
];

// RISC-V e_flags
pub const EF_RISCV_RVC: u32 = 0x0001;
pub const EF_RISCV_FLOAT_ABI: u32 = 0x0006;
pub const EF_RISCV_FLOAT_ABI_SOFT: u32 = 0x0000;
pub const EF_RISCV_FLOAT_ABI_SINGLE: u32 = 0x0002;
pub const EF_RISCV_FLOAT_ABI_DOUBLE: u32 = 0x0004;
pub const EF_RISCV_FLOAT_ABI_QUAD: u32 = 0x0006;
pub const EF_RISCV_RVE: u32 = 0x0008;
pub const EF_RISCV_TSO: u32 = 0x0010;

// PowerPC64 e_flags: 1 = ELFv1 (function descriptors), 2 = ELFv2, 0 = unspecified
pub const EF_PPC64_ABI: u32 = 3;

// ARM e_flags
pub const EF_ARM_EABIMASK: u32 = 0xff00_0000;
pub const EF_ARM_ABI_FLOAT_SOFT: u32 = 0x200;
pub const EF_ARM_ABI_FLOAT_HARD: u32 = 0x400;
pub const EF_ARM_EABI_VER5: u32 = 0x0500_0000;

// s390 e_flags
pub const EF_S390_HIGH_GPRS: u32 = 1;

// LoongArch e_flags
pub const EF_LARCH_ABI_MODIFIER_MASK: u32 = 0x07;
pub const EF_LARCH_ABI_SOFT_FLOAT: u32 = 0x01;
pub const EF_LARCH_ABI_SINGLE_FLOAT: u32 = 0x02;
pub const EF_LARCH_ABI_DOUBLE_FLOAT: u32 = 0x03;

/// The e_machine name readelf prints, for human output.
pub fn machine_name(m: u16) -> &'static str {
    match m {
        EM_386 => "Intel 80386",
        EM_MIPS => "MIPS",
        EM_PPC => "PowerPC",
        EM_PPC64 => "PowerPC64",
        EM_S390 => "IBM S/390",
        EM_ARM => "ARM",
        EM_X86_64 => "x86-64",
        EM_AARCH64 => "AArch64",
        EM_RISCV => "RISC-V",
        EM_LOONGARCH => "LoongArch",
        _ => "other",
    }
}

pub fn osabi_name(o: u8) -> &'static str {
    match o {
        0 => "sysv",
        1 => "hpux",
        2 => "netbsd",
        3 => "gnu",
        6 => "solaris",
        7 => "aix",
        8 => "irix",
        9 => "freebsd",
        10 => "tru64",
        11 => "modesto",
        12 => "openbsd",
        64 => "arm-aeabi",
        97 => "arm",
        255 => "standalone",
        _ => "other",
    }
}
