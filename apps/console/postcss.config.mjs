// Tailwind 4 runs as a PostCSS plugin; Turbopack picks this file up for app/globals.css.
export default { plugins: { "@tailwindcss/postcss": {} } };
