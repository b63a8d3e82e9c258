/**
 * Names for containers created without one, in the style of Docker's namesgenerator
 * (`adjective_surname`); a digit is appended on retries, as Docker does.
 */

const LEFT = `
  admiring adoring affectionate agitated amazing angry awesome beautiful blissful bold brave
  busy charming clever compassionate competent condescending confident cool cranky crazy
  dazzling determined distracted dreamy eager ecstatic elastic elated elegant eloquent epic
  exciting fervent festive flamboyant focused friendly frosty funny gallant gifted goofy
  gracious great happy hardcore heuristic hopeful hungry infallible inspiring intelligent
  interesting jolly jovial keen kind laughing loving lucid magical modest musing mystifying
  naughty nervous nice nifty nostalgic objective optimistic peaceful pedantic pensive
  practical priceless quirky quizzical recursing relaxed reverent romantic sad serene sharp
  silly sleepy stoic strange stupefied suspicious sweet tender thirsty trusting unruffled
  upbeat vibrant vigilant vigorous wizardly wonderful xenodochial youthful zealous zen
`
  .trim()
  .split(/\s+/);

const RIGHT = `
  agnesi albattani allen archimedes ardinghelli babbage banach bardeen bartik bassi bell benz
  bhabha blackburn bohr booth borg bose brahmagupta brattain brown carson cerf chandrasekhar
  clarke colden cori curie darwin diffie dijkstra dubinsky easley einstein elion engelbart
  euclid euler faraday fermat fermi feynman franklin galileo gates goldberg goldstine goodall
  hamilton hawking heisenberg hermann hodgkin hopper hugle hypatia jackson jang jennings
  johnson joliot kalam keller kepler khorana kilby knuth lalande lamarr leakey leavitt
  lovelace lumiere mahavira margulis mayer mccarthy mcclintock meitner mendel merkle
  montalcini moore morse napier newton nobel noether northcutt noyce panini pascal pasteur
  payne perlman pike poincare ptolemy raman ramanujan ritchie rosalind sammet shannon shockley
  sinoussi stonebraker swanson tesla thompson torvalds turing villani volhard wescoff wiles
  williams wilson wing wozniak wright yalow yonath
`
  .trim()
  .split(/\s+/);

/** A random `adjective_surname`; `retry` > 0 appends a digit. */
export function randomContainerName(random: () => number = Math.random, retry = 0): string {
  const pick = (list: string[]) => list[Math.floor(random() * list.length)] ?? list[0];
  const name = `${pick(LEFT)}_${pick(RIGHT)}`;
  return retry > 0 ? `${name}${Math.floor(random() * 10)}` : name;
}
