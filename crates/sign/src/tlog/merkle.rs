//! RFC 6962 Merkle tree hashing and inclusion proofs (RFC 9162 §2.1.3.2).
//!
//! Rekor is an RFC 6962 log: a leaf hash is `SHA-256(0x00 || entry body)` and an interior node
//! `SHA-256(0x01 || left || right)`. An inclusion proof is the list of sibling hashes from the
//! leaf up to the root; [`verify_inclusion`] recomputes the root from them and compares it with
//! the root the log signed in its checkpoint (see [`super::checkpoint`]).
//!
//! Everything here comes from a bundle, so every length and bound is checked before use: an
//! index outside the tree, a proof of the wrong length or a hash that is not 32 bytes is an
//! error, never a panic.

use sha2::{Digest, Sha256};

/// The length of a SHA-256 node hash, the only hash Rekor logs use.
pub(crate) const HASH_LEN: usize = 32;

/// Why an inclusion proof does not prove that a leaf is in the tree.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MerkleError {
    /// The leaf index is not inside a tree of this size (index must be below size).
    #[error("leaf index {index} is outside a tree of size {tree_size}")]
    IndexOutOfRange {
        /// The leaf index the proof claims.
        index: u64,
        /// The number of leaves in the tree.
        tree_size: u64,
    },
    /// The proof has a different number of hashes than the path from this leaf to the root.
    #[error(
        "inclusion proof has {actual} hashes, a leaf at index {index} of a tree of size \
         {tree_size} needs {expected}"
    )]
    WrongProofLength {
        /// The leaf index the proof claims.
        index: u64,
        /// The number of leaves in the tree.
        tree_size: u64,
        /// The number of hashes the path needs.
        expected: usize,
        /// The number of hashes the proof has.
        actual: usize,
    },
    /// A proof hash is not a SHA-256 hash.
    #[error("inclusion proof hash {position} is {length} bytes, expected {HASH_LEN}")]
    BadHashLength {
        /// The position of the hash in the proof, from the leaf up.
        position: usize,
        /// Its length in bytes.
        length: usize,
    },
    /// The root hash the proof should lead to is not a SHA-256 hash.
    #[error("inclusion proof root hash is {length} bytes, expected {HASH_LEN}")]
    BadRootLength {
        /// Its length in bytes.
        length: usize,
    },
    /// The root recomputed from the leaf and the proof is not the root the log signed.
    #[error("inclusion proof leads to root {computed}, the log's root is {expected}")]
    RootMismatch {
        /// The signed root hash, hex.
        expected: String,
        /// The root hash the proof leads to, hex.
        computed: String,
    },
}

/// `SHA-256(0x00 || leaf)`: the hash of a log entry as a leaf of the tree (RFC 6962 §2.1).
pub(crate) fn leaf_hash(leaf: &[u8]) -> [u8; HASH_LEN] {
    Sha256::new()
        .chain_update([0x00])
        .chain_update(leaf)
        .finalize()
        .into()
}

/// `SHA-256(0x01 || left || right)`: the hash of an interior node (RFC 6962 §2.1).
fn node_hash(left: &[u8], right: &[u8]) -> [u8; HASH_LEN] {
    Sha256::new()
        .chain_update([0x01])
        .chain_update(left)
        .chain_update(right)
        .finalize()
        .into()
}

/// The number of hashes in the inclusion proof of leaf `index` in a tree of `tree_size` leaves
/// (`index < tree_size`): the levels below the point where the paths to `index` and to the last
/// leaf split, plus one per left sibling along the tree's right border above it.
fn proof_length(index: u64, tree_size: u64) -> usize {
    let inner = u64::BITS - (index ^ (tree_size - 1)).leading_zeros();
    // `inner` is 64 when the paths split at the root of a 2^64-leaf tree: nothing lies above.
    let border = index.checked_shr(inner).unwrap_or(0).count_ones();
    // Both counts are at most 64, so the sum always fits.
    (inner + border) as usize
}

/// Checks that `leaf_hash` is the leaf at `index` of the tree of `tree_size` leaves whose root
/// is `root`, using the audit path `proof` ordered from the leaf up (RFC 9162 §2.1.3.2).
pub(crate) fn verify_inclusion(
    leaf_hash: &[u8; HASH_LEN],
    index: u64,
    tree_size: u64,
    proof: &[Vec<u8>],
    root: &[u8; HASH_LEN],
) -> Result<(), MerkleError> {
    if index >= tree_size {
        return Err(MerkleError::IndexOutOfRange { index, tree_size });
    }
    let expected = proof_length(index, tree_size);
    if proof.len() != expected {
        return Err(MerkleError::WrongProofLength {
            index,
            tree_size,
            expected,
            actual: proof.len(),
        });
    }
    let mut node = index;
    let mut last = tree_size - 1;
    let mut hash = *leaf_hash;
    for (position, sibling) in proof.iter().enumerate() {
        if sibling.len() != HASH_LEN {
            return Err(MerkleError::BadHashLength {
                position,
                length: sibling.len(),
            });
        }
        if node & 1 == 1 || node == last {
            hash = node_hash(sibling, &hash);
            // A right-border node with no right sibling moves up without hashing until it is
            // a right child again.
            while node & 1 == 0 && node != 0 {
                node >>= 1;
                last >>= 1;
            }
        } else {
            hash = node_hash(&hash, sibling);
        }
        node >>= 1;
        last >>= 1;
    }
    // `proof_length` counted exactly the levels the loop climbs, so it ends at the root.
    debug_assert_eq!(
        last, 0,
        "the proof length check guarantees the walk reaches the root"
    );
    if hash == *root {
        Ok(())
    } else {
        Err(MerkleError::RootMismatch {
            expected: hex::encode(root),
            computed: hex::encode(hash),
        })
    }
}

#[cfg(test)]
mod tests {
    //! Inclusion proofs over small trees built here, checked leaf by leaf, and the bounds.

    use super::*;

    /// The root of the tree over `leaves` by the RFC 6962 §2.1 recursive definition.
    fn root_of(leaves: &[[u8; HASH_LEN]]) -> [u8; HASH_LEN] {
        if leaves.len() == 1 {
            return leaves[0];
        }
        let split = leaves.len().next_power_of_two() / 2;
        node_hash(&root_of(&leaves[..split]), &root_of(&leaves[split..]))
    }

    /// The audit path of `index` by the RFC 6962 §2.1.1 recursive definition.
    fn path_of(index: usize, leaves: &[[u8; HASH_LEN]]) -> Vec<Vec<u8>> {
        if leaves.len() == 1 {
            return Vec::new();
        }
        let split = leaves.len().next_power_of_two() / 2;
        if index < split {
            let mut path = path_of(index, &leaves[..split]);
            path.push(root_of(&leaves[split..]).to_vec());
            path
        } else {
            let mut path = path_of(index - split, &leaves[split..]);
            path.push(root_of(&leaves[..split]).to_vec());
            path
        }
    }

    fn leaves(count: usize) -> Vec<[u8; HASH_LEN]> {
        (0..count)
            .map(|i| leaf_hash(format!("entry {i}").as_bytes()))
            .collect()
    }

    #[test]
    fn every_leaf_of_every_small_tree_verifies() {
        for size in 1..=33 {
            let leaves = leaves(size);
            let root = root_of(&leaves);
            for (index, leaf) in leaves.iter().enumerate() {
                let proof = path_of(index, &leaves);
                verify_inclusion(leaf, index as u64, size as u64, &proof, &root)
                    .unwrap_or_else(|error| panic!("leaf {index} of {size}: {error}"));
            }
        }
    }

    #[test]
    fn a_flipped_bit_anywhere_fails_with_root_mismatch() {
        let leaves = leaves(13);
        let root = root_of(&leaves);
        let proof = path_of(6, &leaves);
        for position in 0..proof.len() {
            let mut corrupted = proof.clone();
            corrupted[position][0] ^= 1;
            let error = verify_inclusion(&leaves[6], 6, 13, &corrupted, &root).unwrap_err();
            assert!(matches!(error, MerkleError::RootMismatch { .. }), "{error}");
        }
        // The right proof for another leaf does not prove this one.
        let error = verify_inclusion(&leaves[7], 6, 13, &proof, &root).unwrap_err();
        assert!(matches!(error, MerkleError::RootMismatch { .. }));
    }

    #[test]
    fn bounds_and_lengths_are_errors() {
        let leaves = leaves(8);
        let root = root_of(&leaves);
        let proof = path_of(3, &leaves);
        assert_eq!(
            verify_inclusion(&leaves[3], 8, 8, &proof, &root),
            Err(MerkleError::IndexOutOfRange {
                index: 8,
                tree_size: 8
            })
        );
        assert_eq!(
            verify_inclusion(&leaves[3], 0, 0, &[], &root),
            Err(MerkleError::IndexOutOfRange {
                index: 0,
                tree_size: 0
            })
        );
        assert_eq!(
            verify_inclusion(&leaves[3], 3, 8, &proof[..2], &root),
            Err(MerkleError::WrongProofLength {
                index: 3,
                tree_size: 8,
                expected: 3,
                actual: 2
            })
        );
        let mut long = proof.clone();
        long.push(vec![0; HASH_LEN]);
        assert!(matches!(
            verify_inclusion(&leaves[3], 3, 8, &long, &root),
            Err(MerkleError::WrongProofLength { actual: 4, .. })
        ));
        let mut short_hash = proof;
        short_hash[1].pop();
        assert_eq!(
            verify_inclusion(&leaves[3], 3, 8, &short_hash, &root),
            Err(MerkleError::BadHashLength {
                position: 1,
                length: 31
            })
        );
        // The largest trees a u64 can describe do not overflow the length arithmetic.
        assert!(matches!(
            verify_inclusion(&leaves[0], u64::MAX - 1, u64::MAX, &[], &root),
            Err(MerkleError::WrongProofLength { expected: 63, .. })
        ));
        assert!(matches!(
            verify_inclusion(&leaves[0], 0, u64::MAX, &[], &root),
            Err(MerkleError::WrongProofLength { expected: 64, .. })
        ));
    }
}
