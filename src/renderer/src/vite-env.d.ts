// Vite's client types: CSS and asset imports in the renderer bundle.
/// <reference types="vite/client" />
