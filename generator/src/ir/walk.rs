//! The operations of the resource tree as one list, for the tools that read every
//! operation (the API change summary, the coverage check of the tests).

use super::{Api, Operation, Resource};

impl Resource {
    /// Every operation of this resource and of those below it, depth first.
    pub fn all_operations(&self) -> Vec<&Operation> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(resource) = stack.pop() {
            out.extend(resource.operations.iter());
            stack.extend(resource.children.iter().rev());
        }
        out
    }
}

impl Api {
    /// Every operation with the resource it belongs to, depth first in the tree's
    /// order: the client's own operations first.
    pub fn operations(&self) -> Vec<(&Resource, &Operation)> {
        let mut out = Vec::new();
        let mut stack = vec![&self.root];
        while let Some(resource) = stack.pop() {
            out.extend(resource.operations.iter().map(|op| (resource, op)));
            stack.extend(resource.children.iter().rev());
        }
        out
    }
}
