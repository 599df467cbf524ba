// Replaced as the foundation lands: builds the app once and migrates the test database.
export default async function setup() {}
