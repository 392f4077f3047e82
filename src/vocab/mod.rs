//! Vocabulary as data: the words that give text its meaning, kept in one
//! place so that rules read them rather than repeat them.

pub mod table_words;
