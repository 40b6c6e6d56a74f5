//! Maps JSON pointers to line and column in the spec's text.
//!
//! serde_yaml does not keep positions, so the text is read a second time, with
//! yaml-rust2's marked events, and only when there is a diagnostic to place: the fast
//! path of a clean spec never pays for it. JSON is read by the same parser (JSON is
//! YAML).

use std::collections::{HashMap, HashSet};

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::json_pointer::escape_token_into;

/// A place in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// 1-based.
    pub line: usize,
    /// 1-based.
    pub column: usize,
}

pub struct SourceMap {
    positions: HashMap<String, Location>,
}

impl SourceMap {
    /// Records the position of each wanted pointer and of every prefix of it, so that
    /// a pointer into a part that has no text of its own (an alias, say) falls back to
    /// its nearest ancestor.
    pub fn build(text: &str, wanted: &[&str]) -> SourceMap {
        let mut want: HashSet<String> = HashSet::new();
        for pointer in wanted {
            let mut prefix = String::new();
            want.insert(String::new());
            for token in pointer.split('/').skip(1) {
                prefix.push('/');
                prefix.push_str(token);
                want.insert(prefix.clone());
            }
        }
        let mut recorder = Recorder {
            want,
            positions: HashMap::new(),
            stack: Vec::new(),
            pointer: String::new(),
        };
        let mut parser = Parser::new_from_str(text);
        // A malformed text still yields the positions read before the fault.
        let _ = parser.load(&mut recorder, false);
        SourceMap {
            positions: recorder.positions,
        }
    }

    /// The position of the pointer, or of its nearest ancestor that has one.
    pub fn locate(&self, pointer: &str) -> Option<Location> {
        let mut p = pointer;
        loop {
            if let Some(loc) = self.positions.get(p) {
                return Some(*loc);
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return None,
            }
        }
    }
}

enum Frame {
    /// `key` is the pending key once read; `len` is the pointer length of the mapping.
    Map {
        len: usize,
        key: Option<String>,
        first_key: bool,
    },
    Seq {
        len: usize,
        index: usize,
    },
}

struct Recorder {
    want: HashSet<String>,
    positions: HashMap<String, Location>,
    stack: Vec<Frame>,
    pointer: String,
}

impl Recorder {
    fn record(&mut self, mark: Marker) {
        if self.want.contains(&self.pointer) && !self.positions.contains_key(&self.pointer) {
            self.positions.insert(
                self.pointer.clone(),
                Location {
                    line: mark.line(),
                    column: mark.col() + 1,
                },
            );
        }
    }

    /// Called when a node (scalar, alias or collection start) begins. Returns false if
    /// the node is a mapping key, which only names the next value.
    fn begin_node(&mut self, scalar_key: Option<&str>, mark: Marker) -> bool {
        match self.stack.last_mut() {
            None => {
                self.pointer.clear();
                self.record(mark);
                true
            }
            Some(Frame::Map {
                len,
                key,
                first_key,
            }) => {
                let len = *len;
                if key.is_none() {
                    // A block mapping's start event is marked after its first key
                    // (`- url: x` is marked at the colon); the key is where it starts.
                    if std::mem::take(first_key) {
                        let at = Location {
                            line: mark.line(),
                            column: mark.col() + 1,
                        };
                        if let Some(loc) = self.positions.get_mut(&self.pointer[..len])
                            && at < *loc
                        {
                            *loc = at;
                        }
                    }
                    // This node is a key. Keys that are collections have no pointer.
                    *key = Some(scalar_key.unwrap_or("").to_string());
                    self.pointer.truncate(len);
                    self.pointer.push('/');
                    escape_token_into(&mut self.pointer, scalar_key.unwrap_or(""));
                    self.record(mark);
                    false
                } else {
                    // The value: its pointer was set when the key was read.
                    *key = None;
                    true
                }
            }
            Some(Frame::Seq { len, index }) => {
                let len = *len;
                let i = *index;
                *index += 1;
                self.pointer.truncate(len);
                self.pointer.push('/');
                self.pointer.push_str(&i.to_string());
                self.record(mark);
                true
            }
        }
    }
}

impl MarkedEventReceiver for Recorder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        match ev {
            Event::Scalar(value, ..) => {
                self.begin_node(Some(&value), mark);
            }
            Event::Alias(_) => {
                self.begin_node(None, mark);
            }
            Event::MappingStart(..) => {
                self.begin_node(None, mark);
                self.stack.push(Frame::Map {
                    len: self.pointer.len(),
                    key: None,
                    first_key: true,
                });
            }
            Event::SequenceStart(..) => {
                self.begin_node(None, mark);
                self.stack.push(Frame::Seq {
                    len: self.pointer.len(),
                    index: 0,
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let len = match self.stack.pop() {
                    Some(Frame::Map { len, .. }) | Some(Frame::Seq { len, .. }) => len,
                    None => 0,
                };
                // Back to the pointer of the collection itself.
                self.pointer.truncate(len);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_keys_items_and_falls_back_to_ancestors() {
        let text = "a: 1\nb:\n  - x\n  - {c: 2}\n\"d/e\": [1]\n";
        let map = SourceMap::build(text, &["/b/1/c", "/d~1e/0", "/b/0/nope", "/a"]);
        assert_eq!(map.locate("/a"), Some(Location { line: 1, column: 1 }));
        assert_eq!(map.locate("/b/1/c"), Some(Location { line: 4, column: 6 }));
        assert_eq!(map.locate("/d~1e/0"), Some(Location { line: 5, column: 9 }));
        assert_eq!(
            map.locate("/b/0/nope"),
            Some(Location { line: 3, column: 5 })
        );
    }

    #[test]
    fn a_block_mapping_in_a_list_starts_at_its_first_key() {
        let text = "servers:\n  - url: a\n  - url: b\n    description: c\n";
        let map = SourceMap::build(text, &["/servers/1"]);
        assert_eq!(
            map.locate("/servers/1"),
            Some(Location { line: 3, column: 5 })
        );
    }

    #[test]
    fn reads_json() {
        let text = "{\n  \"paths\": {\n    \"/x\": {}\n  }\n}\n";
        let map = SourceMap::build(text, &["/paths/~1x"]);
        assert_eq!(
            map.locate("/paths/~1x"),
            Some(Location { line: 3, column: 5 })
        );
    }
}
