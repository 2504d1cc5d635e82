//! The seeds' paper forms (placeholder, filled in below).
