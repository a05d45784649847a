/** "Ivan Brooks", "Ivan Brooks and Megan Bowen", "Ivan Brooks, Megan Bowen and Diego Ramirez". */
export function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''}`;
}
