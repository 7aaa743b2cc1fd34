// Vite's client types for the floor pages: CSS imports.
/// <reference types="vite/client" />
